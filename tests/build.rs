//! End-to-end builds of fixture sites into real directories.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use praktika::{BuildOptions, Error};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn build_into(site: &Path, out: &Path) -> Result<praktika::Summary, Error> {
    let mut options = BuildOptions::new(site);
    options.output = Some(out.to_path_buf());
    praktika::build(&options)
}

fn html_files(files: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).unwrap()))
}

/// Values of `href="…"` and `src="…"` attributes.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            found.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    found
}

#[test]
fn fixture_site_builds_every_page_type() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let summary = build_into(&fixture("minimal"), &public).unwrap();
    assert_eq!(summary.practices, 4, "the draft is left out");
    let files = common::snapshot(&public);
    for path in [
        "index.html",
        "practices/index.html",
        "practices/page/2/index.html",
        "practices/alpha/index.html",
        "practices/bundle/index.html",
        "practices/bundle/scheme.svg",
        "regions/index.html",
        "regions/tambovskaya-oblast/index.html",
        "regions/moskva/index.html",
        "districts/tsentralnyy/index.html",
        "sectors/index.html",
        "sectors/sotsialnaya-zashchita/index.html",
        "sectors/health/index.html",
        "sectors/health/feed.xml",
        "years/2024/index.html",
        "tags/nko/index.html",
        "tags/index.html",
        "about/index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "data/practices.json",
        "data/practices.csv",
        ".praktika-output",
    ] {
        assert!(
            files.contains_key(path),
            "missing {path}; have {:#?}",
            files.keys().collect::<Vec<_>>()
        );
    }
    assert!(!files.contains_key("practices/draft/index.html"));
    assert!(
        files
            .keys()
            .any(|p| p.starts_with("static/style.") && p.ends_with(".css")),
        "hashed stylesheet"
    );

    let alpha = String::from_utf8(files["practices/alpha/index.html"].clone()).unwrap();
    assert!(
        alpha.contains("Тамбовская область"),
        "alias resolved to the canonical name"
    );
    assert!(
        alpha.contains(r#"href="/library/practices/beta/""#),
        "md link rewritten"
    );
    assert!(alpha.contains("Первая практика: проактивная выплата"));
    assert!(alpha.contains("20\u{a0}декабря 2024"), "Russian date");
    assert!(
        alpha.contains("https://github.com/example/library/edit/main/content/practices/alpha.md")
    );
    assert!(alpha.contains(r#"<h2 id="problema">"#));
    let tags = String::from_utf8(files["tags/nko/index.html"].clone()).unwrap();
    assert!(
        tags.contains("Вторая практика") && tags.contains("Первая практика"),
        "tags merged across case"
    );
    let not_found = String::from_utf8(files["404.html"].clone()).unwrap();
    assert!(
        not_found.contains("Своя страница 404"),
        "site templates override the theme"
    );
}

#[test]
fn no_link_escapes_the_sub_path_and_every_internal_link_resolves() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_into(&fixture("minimal"), &public).unwrap();
    let files = common::snapshot(&public);
    let mut checked = 0;
    for (path, html) in html_files(&files) {
        for link in links(&html) {
            if link.starts_with("https://") || link.starts_with("mailto:") || link.starts_with('#')
            {
                let external_ok = !link.starts_with("https://example.org/")
                    || link.starts_with("https://example.org/library/");
                assert!(external_ok, "{path}: {link} leaves the sub-path");
                continue;
            }
            assert!(
                link.starts_with("/library/"),
                "{path}: link {link} escapes /library/"
            );
            let target = link
                .trim_start_matches("/library/")
                .split('#')
                .next()
                .unwrap();
            let exists =
                files.contains_key(target) || files.contains_key(&format!("{target}index.html"));
            assert!(exists, "{path}: link {link} is broken");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn builds_are_byte_for_byte_deterministic() {
    let out = tempfile::tempdir().unwrap();
    build_into(&fixture("minimal"), &out.path().join("a")).unwrap();
    build_into(&fixture("minimal"), &out.path().join("b")).unwrap();
    let (a, b) = (
        common::snapshot(&out.path().join("a")),
        common::snapshot(&out.path().join("b")),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_into(&fixture("minimal"), &public).unwrap();
    let before = common::snapshot(&public);
    let err = build_into(&fixture("broken"), &public).unwrap_err();
    assert!(matches!(err, Error::Content(_)));
    assert_eq!(common::snapshot(&public), before);
    let leftovers: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("public")],
        "no staging directory left behind"
    );
}

#[test]
fn refuses_output_directories_it_must_not_replace() {
    let out = tempfile::tempdir().unwrap();
    let foreign = out.path().join("photos");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("holiday.jpg"), b"precious").unwrap();
    let err = build_into(&fixture("minimal"), &foreign).unwrap_err();
    assert!(matches!(err, Error::UnsafeOutput { .. }), "{err}");
    assert_eq!(fs::read(foreign.join("holiday.jpg")).unwrap(), b"precious");
    assert!(matches!(
        build_into(&fixture("minimal"), &fixture("minimal")).unwrap_err(),
        Error::UnsafeOutput { .. }
    ));
    assert!(matches!(
        build_into(&fixture("minimal"), &fixture("")).unwrap_err(),
        Error::UnsafeOutput { .. }
    ));
}

#[test]
fn feeds_sitemap_and_dataset_are_well_formed() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_into(&fixture("minimal"), &public).unwrap();
    let read = |p: &str| fs::read_to_string(public.join(p)).unwrap();

    let feed = read("feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 4);
    let first_title = entries[0]
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(first_title, "Первая практика: проактивная выплата");
    roxmltree::Document::parse(&read("sectors/health/feed.xml")).unwrap();

    let sitemap = read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://example.org/library/practices/alpha/"));
    assert!(locs
        .iter()
        .all(|l| l.starts_with("https://example.org/library/")));
    assert!(read("robots.txt").contains("Sitemap: https://example.org/library/sitemap.xml"));

    let json: serde_json::Value = serde_json::from_str(&read("data/practices.json")).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0]["region"], "Тамбовская область");
    assert_eq!(
        records[0]["federal_district"],
        "Центральный федеральный округ"
    );
    assert_eq!(
        records[0]["tags"],
        serde_json::json!(["Проактивность", "НКО"])
    );

    let csv = read("data/practices.csv");
    let rows = parse_csv(csv.trim_start_matches('\u{feff}'));
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    assert_eq!(rows[1][2], "Первая практика: проактивная выплата");
}

/// A strict RFC 4180 reader, enough to check the export.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn drafts_are_built_on_request() {
    let out = tempfile::tempdir().unwrap();
    let mut options = BuildOptions::new(fixture("minimal"));
    options.output = Some(out.path().join("public"));
    options.drafts = true;
    assert_eq!(praktika::build(&options).unwrap().practices, 5);
    assert!(out
        .path()
        .join("public/practices/draft/index.html")
        .is_file());
}

#[test]
fn a_site_without_a_theme_folder_uses_the_embedded_theme() {
    // The minimal fixture has no themes/ folder; the repository itself has one on disk.
    assert!(!fixture("minimal").join("themes").exists());
    let lib = praktika::load(&BuildOptions::new(fixture("minimal"))).unwrap();
    let theme = praktika::theme::Theme::load(&fixture("minimal"), &lib.config.theme).unwrap();
    assert!(theme.templates.contains_key("practice.html"));
    assert!(theme.templates["404.html"].contains("Своя страница 404"));
}

#[test]
fn the_bundled_demo_library_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let summary = praktika::check(&BuildOptions::new(root)).unwrap();
    assert!(summary.practices >= 12, "{} practices", summary.practices);
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
}

/// A temporary copy of the minimal fixture (`site`) and where to build it (`public`, beside
/// it); the folder lives as long as the first value.
fn minimal_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&fixture("minimal"), &site);
    let public = dir.path().join("public");
    (dir, site, public)
}

/// Asserts that `public` holds exactly what a fresh build of `site` gives.
fn assert_equals_a_fresh_build(site: &Path, public: &Path, label: &str) {
    let fresh = public.with_file_name(format!("fresh-{label}"));
    build_into(site, &fresh).unwrap();
    let (rebuilt, fresh) = (common::snapshot(public), common::snapshot(&fresh));
    assert_eq!(
        rebuilt.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "{label}"
    );
    for (path, bytes) in &fresh {
        assert!(
            bytes == &rebuilt[path],
            "{label}: {path} differs from a fresh build"
        );
    }
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).unwrap())
}

#[cfg(not(unix))]
fn inode(_: &Path) -> u64 {
    0
}

/// The folders beside the output, besides fresh builds.
fn beside(public: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(public.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with("fresh-") && name != "site")
        .collect();
    names.sort();
    names
}

#[test]
fn rebuilds_after_edits_equal_fresh_builds() {
    let (_dir, site, public) = minimal_copy();
    build_into(&site, &public).unwrap();
    assert_eq!(beside(&public), ["public"]);
    let beta_page = public.join("practices/beta/index.html");
    let first_inode = inode(&beta_page);
    // Edit one practice: new title, new tag, new year.
    let alpha = site.join("content/practices/alpha.md");
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(
        &alpha,
        text.replace(
            "Первая практика: проактивная выплата",
            "Обновлённая практика",
        )
        .replace("year: 2024", "year: 2019")
        .replace("[Проактивность, НКО]", "[Проактивность, Новый тег]"),
    )
    .unwrap();
    build_into(&site, &public).unwrap();
    assert_equals_a_fresh_build(&site, &public, "an edit");
    let rebuilt = common::snapshot(&public);
    assert!(
        String::from_utf8_lossy(&rebuilt["practices/alpha/index.html"])
            .contains("Обновлённая практика")
    );
    assert!(rebuilt.contains_key("tags/novyy-teg/index.html"));
    // The replaced output is kept beside the new one; the next build updates it in place.
    assert_eq!(beside(&public), [".public.previous", "public"]);
    // It ignores itself for git (the next build drops that file: the output never has it).
    let kept = public.with_file_name(".public.previous");
    let ignore = fs::read_to_string(kept.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|line| line == "*"), "{ignore}");

    // A practice renamed (its old page must go), and the new tag dropped again.
    let gamma = site.join("content/practices/gamma.md");
    fs::rename(&gamma, site.join("content/practices/gamma-renamed.md")).unwrap();
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(&alpha, text.replace("Новый тег", "НКО")).unwrap();
    build_into(&site, &public).unwrap();
    assert_equals_a_fresh_build(&site, &public, "a rename");
    assert!(public.join("practices/gamma-renamed/index.html").exists());
    assert!(!public.join("practices/gamma").exists());
    // This build started from the first one's output: an unchanged page is the same file.
    if cfg!(unix) {
        assert_eq!(inode(&beta_page), first_inode, "updated in place");
    }
    assert!(!public.join("tags/novyy-teg").exists());
    assert_eq!(beside(&public), [".public.previous", "public"]);

    // Nothing changed: the same output again.
    build_into(&site, &public).unwrap();
    assert_equals_a_fresh_build(&site, &public, "no change");
    assert_eq!(beside(&public), [".public.previous", "public"]);
}

/// An output that is a link to an earlier output: the build replaces the link with its
/// folder and leaves what the link pointed to as it was (it used to empty that folder, then
/// fail on removing the link as a folder).
#[cfg(unix)]
#[test]
fn an_output_that_is_a_link_is_replaced_and_its_target_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    build_into(&fixture("minimal"), &real).unwrap();
    let before = common::snapshot(&real);
    let public = dir.path().join("public");
    std::os::unix::fs::symlink(&real, &public).unwrap();
    build_into(&fixture("minimal"), &public).unwrap();
    assert!(
        fs::symlink_metadata(&public).unwrap().is_dir(),
        "a folder now"
    );
    assert_eq!(common::snapshot(&public), before);
    assert_eq!(
        common::snapshot(&real),
        before,
        "the link's target is untouched"
    );
}

#[test]
fn a_build_failing_while_it_writes_pages_leaves_the_output_intact() {
    let (_dir, site, public) = minimal_copy();
    build_into(&site, &public).unwrap();
    build_into(&site, &public).unwrap();
    let before = common::snapshot(&public);
    // A broken link is found while practice pages are being written into the earlier
    // output that this build updates.
    let alpha = site.join("content/practices/alpha.md");
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(&alpha, format!("{text}\n[сломано](no-such-page.md)\n")).unwrap();
    let err = build_into(&site, &public).unwrap_err();
    assert!(matches!(err, Error::Content(_)), "{err}");
    assert_eq!(common::snapshot(&public), before);
    assert_eq!(beside(&public), [".public.previous", "public"]);
    // The half-updated earlier output still serves as the next build's start.
    fs::write(&alpha, text).unwrap();
    build_into(&site, &public).unwrap();
    assert_equals_a_fresh_build(&site, &public, "after a failure");
}

#[test]
fn check_renders_every_template_with_the_librarys_data() {
    // A template that compiles but fails on real data: `check` must render it to see that.
    for template in ["practice.html", "term.html", "practices.html", "index.html"] {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        common::copy_dir(&fixture("minimal"), &site);
        fs::write(
            site.join("templates").join(template),
            "{{ no_such_variable.field }}",
        )
        .unwrap();
        let err = praktika::check(&BuildOptions::new(&site)).unwrap_err();
        assert!(
            matches!(&err, Error::Template(message) if message.contains(template)),
            "{template}: {err:?}"
        );
    }
}

/// A copy of the minimal fixture whose theme draws cards with `card_template`.
fn site_with_card_template(dir: &Path, card_template: &str) -> PathBuf {
    let site = dir.join("site");
    common::copy_dir(&fixture("minimal"), &site);
    fs::create_dir_all(site.join("templates/partials")).unwrap();
    fs::write(site.join("templates/partials/card.html"), card_template).unwrap();
    site
}

#[test]
fn every_list_and_related_block_shows_the_themes_card_template() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_with_card_template(
        dir.path(),
        r#"<div class="own-card" data-url="{{ p.url }}">{{ p.title }} · {{ p.region.name }}</div>"#,
    );
    let public = dir.path().join("public");
    build_into(&site, &public).unwrap();
    let files = common::snapshot(&public);
    let lib = praktika::load(&BuildOptions::new(&site)).unwrap();
    let card = |i: usize| {
        let p = &lib.practices[i];
        let title = p.meta.title.replace('"', "&quot;");
        let region = &lib.regions.get(p.meta.region).name;
        let url = format!("{}{}", lib.config.base_url.path, p.url);
        format!(r#"<div class="own-card" data-url="{url}">{title} · {region}</div>"#)
    };
    let page = |path: &str| String::from_utf8(files[path].clone()).unwrap();
    // The list of all practices, page by page, and every term page.
    let per_page = lib.config.practices_per_page;
    for (n, chunk) in (0..lib.practices.len())
        .collect::<Vec<_>>()
        .chunks(per_page)
        .enumerate()
    {
        let path = match n {
            0 => "practices/index.html".to_string(),
            n => format!("practices/page/{}/index.html", n + 1),
        };
        let html = page(&path);
        assert_eq!(html.matches("own-card").count(), chunk.len(), "{path}");
        for &i in chunk {
            assert!(html.contains(&card(i)), "{path} lacks {}", card(i));
        }
    }
    for term in &lib.taxonomies.regions {
        let html = page(&format!("regions/{}/index.html", term.slug));
        for &i in term.practices.iter().take(per_page) {
            assert!(
                html.contains(&card(i)),
                "region {} lacks {}",
                term.slug,
                card(i)
            );
        }
    }
    // Related practices on a practice page.
    let (i, related) = lib
        .related
        .iter()
        .enumerate()
        .find(|(_, r)| !r.is_empty())
        .expect("some practice has related practices");
    let html = page(&format!("{}index.html", lib.practices[i].url));
    for &j in related {
        assert!(
            html.contains(&card(j)),
            "practice {i} lacks related {}",
            card(j)
        );
    }
}

#[test]
fn a_broken_card_template_fails_the_build_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_with_card_template(dir.path(), "<div>{{ p.no_such_field.name }}</div>");
    let public = dir.path().join("public");
    let err = build_into(&site, &public).unwrap_err().to_string();
    assert!(err.contains("partials/card.html"), "{err}");
    assert!(!public.exists(), "a failed build writes nothing");
}

#[test]
fn builds_into_an_output_folder_whose_parents_do_not_exist_yet() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("deploy/library/public");
    build_into(&fixture("minimal"), &public).unwrap();
    assert!(public.join("index.html").is_file());
}
