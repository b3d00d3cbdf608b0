//! `serve`'s incremental rebuilds must give exactly what a full build gives: random sequences
//! of edits (titles, regions, tags, dates, bodies, new and deleted practices, broken and fixed
//! files, folders moved in and out whole) are applied one by one, and the output is compared
//! byte for byte with a fresh build.

mod common;

use std::fs;

use praktika::session::{Change, Session};
use praktika::BuildOptions;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const REGIONS: [&str; 5] = [
    "Тамбовская область",
    "Подмосковье",
    "г. Москва",
    "Челябинская область",
    "федеральный уровень",
];
const SECTORS: [&str; 3] = ["Социальная защита", "health", "Образование"];
const TAGS: [&str; 5] = [
    "[НКО]",
    "[Проактивность, семья]",
    "[]",
    "[новый тег, НКО]",
    "[Семья]",
];

fn practice(
    title: &str,
    region: &str,
    sector: &str,
    year: usize,
    tags: &str,
    body: &str,
) -> String {
    format!("---\ntitle: \"{title}\"\nregion: {region}\nsector: {sector}\nyear: {year}\ntags: {tags}\ndate: {year}-0{}-1{}\nsummary: Кратко о практике {title}.\n---\n## Проблема\n\n{body}\n", year % 9 + 1, year % 10)
}

fn run_sequence(seed: u64, steps: usize) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&common::fixture("minimal"), &site);
    let mut options = BuildOptions::new(&site);
    options.output = Some(dir.path().join("served"));
    options.base_url = Some("http://127.0.0.1:1111/library/".into());
    let mut session = Session::new(options.clone());
    session.rebuild(&Change::Everything).unwrap();

    let practices = site.join("content/practices");
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut extra: Vec<String> = Vec::new();
    let mut broken: Option<(String, String)> = None;
    // A folder moved in or out whole: the watcher reports only the folder.
    let mut folder: Option<String> = None;
    for step in 0..steps {
        let before = common::snapshot(&options.output_dir());
        let changed = if let Some((path, good)) = broken.take() {
            fs::write(practices.join(&path), good).unwrap();
            path
        } else {
            match rng.below(10) {
                7..=9 => {
                    // Edits that keep every facet: the fine-grained path, not a full re-render.
                    let name = ["alpha.md", "beta.md", "gamma.md", "bundle/index.md"][rng.below(4)]
                        .to_string();
                    let text = fs::read_to_string(practices.join(&name)).unwrap();
                    let (head, body) = text.rsplit_once("---\n").unwrap();
                    let head = match rng.below(3) {
                        // Inside the quotes of a quoted title: the edit keeps the file valid.
                        0 if head.contains("title: \"") => {
                            head.replacen("title: \"", &format!("title: \"Шаг {step} "), 1)
                        }
                        0 => head.replacen("title: ", &format!("title: Шаг {step} "), 1),
                        1 => head
                            .replace("tags: [Проактивность, НКО]", "tags: [Проактивность, Новое]")
                            .replace("tags: [нко]", "tags: [нко, семья]"),
                        _ => head.to_string(),
                    };
                    fs::write(
                        practices.join(&name),
                        format!("{head}---\n{body}\nДобавлено на шаге {step}.\n"),
                    )
                    .unwrap();
                    name
                }
                0 | 1 => {
                    let name = format!("new-{step}.md");
                    let text = practice(
                        &format!("Новая практика {step}"),
                        REGIONS[rng.below(5)],
                        SECTORS[rng.below(3)],
                        2015 + rng.below(10),
                        TAGS[rng.below(5)],
                        "Текст новой практики.",
                    );
                    fs::write(practices.join(&name), text).unwrap();
                    extra.push(name.clone());
                    name
                }
                4 => match folder.take() {
                    Some(name) => {
                        fs::remove_dir_all(practices.join(&name)).unwrap();
                        name
                    }
                    None => {
                        let name = format!("folder-{step}");
                        let staged = dir.path().join(&name);
                        fs::create_dir_all(&staged).unwrap();
                        for n in 0..2 {
                            let text = practice(
                                &format!("Из папки {step}-{n}"),
                                REGIONS[rng.below(5)],
                                SECTORS[rng.below(3)],
                                2015 + rng.below(10),
                                TAGS[rng.below(5)],
                                "Текст практики из папки.",
                            );
                            fs::write(staged.join(format!("p{step}-{n}.md")), text).unwrap();
                        }
                        fs::rename(&staged, practices.join(&name)).unwrap();
                        folder = Some(name.clone());
                        name
                    }
                },
                2 if !extra.is_empty() => {
                    let name = extra.remove(rng.below(extra.len()));
                    fs::remove_file(practices.join(&name)).unwrap();
                    name
                }
                3 => {
                    let name = ["alpha.md", "beta.md", "gamma.md"][rng.below(3)].to_string();
                    let text = fs::read_to_string(practices.join(&name)).unwrap();
                    let good = text.clone();
                    fs::write(practices.join(&name), text.replacen("year: ", "year: 3", 1))
                        .unwrap();
                    broken = Some((name.clone(), good));
                    name
                }
                _ => {
                    let name = if !extra.is_empty() && rng.below(2) == 0 {
                        extra[rng.below(extra.len())].clone()
                    } else {
                        "gamma.md".to_string()
                    };
                    let text = practice(
                        &format!("Правка {step}"),
                        REGIONS[rng.below(5)],
                        SECTORS[rng.below(3)],
                        2015 + rng.below(10),
                        TAGS[rng.below(5)],
                        &format!("Изменённый текст {step}."),
                    );
                    fs::write(practices.join(&name), text).unwrap();
                    name
                }
            }
        };
        let change = Change::Content(vec![format!("practices/{changed}")]);
        match session.rebuild(&change) {
            Ok(_) => {}
            Err(praktika::Error::Content(_)) => {
                assert!(
                    broken.is_some(),
                    "seed {seed} step {step}: unexpected content error"
                );
                assert!(
                    common::snapshot(&options.output_dir()) == before,
                    "seed {seed} step {step}: a failed rebuild changed the output"
                );
                continue;
            }
            Err(other) => panic!("seed {seed} step {step}: {other}"),
        }
        if step % 4 == 3 || step == steps - 1 {
            let mut fresh = options.clone();
            fresh.output = Some(dir.path().join(format!("fresh-{step}")));
            praktika::build(&fresh).unwrap();
            let (served, full) = (
                common::snapshot(&options.output_dir()),
                common::snapshot(&fresh.output_dir()),
            );
            let served_paths: Vec<_> = served.keys().collect();
            let full_paths: Vec<_> = full.keys().collect();
            assert_eq!(
                served_paths, full_paths,
                "seed {seed} step {step}: different file sets"
            );
            for (path, bytes) in &full {
                assert!(
                    &served[path] == bytes,
                    "seed {seed} step {step}: {path} differs from a full build"
                );
            }
        }
    }
}

#[test]
fn random_edit_sequences_match_full_builds() {
    for seed in 1..=4 {
        run_sequence(seed, 12);
    }
}

#[test]
fn an_edit_rewrites_only_what_it_affects() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&common::fixture("minimal"), &site);
    let mut options = BuildOptions::new(&site);
    options.output = Some(dir.path().join("served"));
    let mut session = Session::new(options);
    assert!(session.rebuild(&Change::Everything).unwrap().full);
    // A body-only edit changes that practice's page and the search files, nothing else.
    let beta = site.join("content/practices/beta.md");
    fs::write(
        &beta,
        fs::read_to_string(&beta)
            .unwrap()
            .replace("Текст.", "Новый текст о школах."),
    )
    .unwrap();
    let rebuilt = session
        .rebuild(&Change::Content(vec!["practices/beta.md".into()]))
        .unwrap();
    assert!(!rebuilt.full);
    let pages: Vec<&String> = rebuilt
        .written
        .iter()
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert_eq!(
        pages,
        vec!["practices/beta/index.html"],
        "{:?}",
        rebuilt.written
    );
    assert!(
        rebuilt
            .written
            .iter()
            .all(|p| p.ends_with(".html") || p.starts_with("search/")),
        "{:?}",
        rebuilt.written
    );
    // Nothing changed: nothing written.
    let again = session
        .rebuild(&Change::Content(vec!["practices/beta.md".into()]))
        .unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
}

/// A title-only edit keeps every term, so the model and the other cards are reused; every
/// page that shows the practice's card (lists, related blocks) must still be re-rendered.
/// The random sequences above can miss this: a later edit re-renders the same lists.
#[test]
fn a_title_edit_reaches_every_page_that_shows_the_practice() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&common::fixture("minimal"), &site);
    let mut options = BuildOptions::new(&site);
    options.output = Some(dir.path().join("served"));
    let mut session = Session::new(options.clone());
    session.rebuild(&Change::Everything).unwrap();
    let alpha = site.join("content/practices/alpha.md");
    let text = fs::read_to_string(&alpha).unwrap();
    let title = text.lines().find(|l| l.starts_with("title:")).unwrap();
    fs::write(
        &alpha,
        text.replacen(title, "title: Совсем новое название", 1),
    )
    .unwrap();
    let rebuilt = session
        .rebuild(&Change::Content(vec!["practices/alpha.md".into()]))
        .unwrap();
    assert!(!rebuilt.full);
    let mut fresh = options.clone();
    fresh.output = Some(dir.path().join("fresh"));
    praktika::build(&fresh).unwrap();
    let (served, full) = (
        common::snapshot(&options.output_dir()),
        common::snapshot(&fresh.output_dir()),
    );
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    let stale: Vec<&String> = full
        .iter()
        .filter(|(path, bytes)| &served[*path] != *bytes)
        .map(|(path, _)| path)
        .collect();
    assert!(stale.is_empty(), "not rebuilt: {stale:?}");
    assert!(rebuilt.written.iter().any(|p| p == "practices/index.html"));
}
