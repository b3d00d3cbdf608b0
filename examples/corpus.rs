//! Generates a synthetic practice library for benchmarks: deterministic (seeded), realistic
//! Russian text with real inflections (words are drawn from the bundled demo library's own
//! texts), ~14 KB of Markdown per practice with headings, lists, tables and links, valid front
//! matter spread over all regions, sectors, years 2015–2026 and a few hundred tags.
//! With `--hugo DIR`, also writes the same pages as a Hugo site for a side-by-side run.
//!
//! `cargo run --release --example corpus -- --practices 10000 --out /tmp/corpus [--hugo /tmp/corpus-hugo] [--seed 1]`

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use praktika::regions::Regions;
use praktika::slug::slugify;

/// xorshift64*: tiny, seeded, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Zipf-like: small indices much more often, as in real text.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as usize
    }
}

struct Args {
    practices: usize,
    out: PathBuf,
    hugo: Option<PathBuf>,
    seed: u64,
}

fn args() -> Args {
    let mut args = Args {
        practices: 1000,
        out: PathBuf::from("/tmp/praktika-corpus"),
        hugo: None,
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--practices" => args.practices = value.parse().expect("--practices N"),
            "--out" => args.out = value.into(),
            "--hugo" => args.hugo = Some(value.into()),
            "--seed" => args.seed = value.parse().expect("--seed N"),
            other => panic!("unknown flag {other}"),
        }
    }
    args
}

/// Words of the demo library's bodies, in the forms they were written.
fn vocabulary(root: &Path) -> Vec<String> {
    let mut words = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("content/practices")).sort_by_file_name() {
        let entry = entry.expect("readable demo content");
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = fs::read_to_string(entry.path()).expect("UTF-8 demo content");
            let body = text.splitn(3, "---").nth(2).unwrap_or("");
            for word in body.split(|c: char| !c.is_alphabetic() && c != '-') {
                if word.chars().count() >= 2
                    && word
                        .chars()
                        .all(|c| matches!(c, 'а'..='я' | 'ё' | 'А'..='Я' | 'Ё' | '-'))
                {
                    words.push(word.to_lowercase());
                }
            }
        }
    }
    // Frequent words first, so that the Zipf draw favours them.
    let mut counts = std::collections::BTreeMap::new();
    for w in words {
        *counts.entry(w).or_insert(0usize) += 1;
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().map(|(w, _)| w).collect()
}

fn sentence(rng: &mut Rng, vocab: &[String]) -> String {
    let n = 7 + rng.below(14);
    let mut s = String::new();
    for i in 0..n {
        let w = &vocab[rng.zipf(vocab.len())];
        if i == 0 {
            let mut chars = w.chars();
            if let Some(first) = chars.next() {
                s.extend(first.to_uppercase());
                s.push_str(chars.as_str());
            }
        } else {
            s.push_str(if rng.below(9) == 0 { ", " } else { " " });
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, vocab: &[String]) -> String {
    (0..3 + rng.below(4))
        .map(|_| sentence(rng, vocab))
        .collect::<Vec<_>>()
        .join(" ")
}

const SECTIONS: [&str; 5] = [
    "Проблема",
    "Решение",
    "Результаты",
    "Как повторить",
    "Ресурсы",
];

fn main() {
    let args = args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vocab = vocabulary(root);
    assert!(vocab.len() > 500, "the demo library gives too few words");
    let regions = Regions::embedded();
    let config_text = fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    let config = praktika::config::Config::parse(Path::new("site.yaml"), &config_text)
        .expect("valid site.yaml");
    let tags: Vec<String> = (0..300)
        .map(|i| {
            let mut r = Rng(args.seed ^ ((i as u64 + 1) * 0x9E37_79B9));
            format!(
                "{} {}",
                vocab[r.below(400)],
                vocab[r.below(2000.min(vocab.len()))]
            )
        })
        .collect();

    let _ = fs::remove_dir_all(&args.out);
    let practices_dir = args.out.join("content/practices");
    fs::create_dir_all(&practices_dir).unwrap();
    fs::create_dir_all(args.out.join("content/pages")).unwrap();
    fs::write(
        args.out.join("site.yaml"),
        format!(
            "title: Синтетическая библиотека\nbase_url: /\npractices_per_page: 20\nsectors:\n{}",
            config
                .sectors
                .iter()
                .map(|s| format!("  - {}\n", s.name))
                .collect::<String>()
        ),
    )
    .unwrap();
    fs::write(
        args.out.join("content/_index.md"),
        "---\ntitle: Синтетическая библиотека\n---\nСгенерированный корпус для замеров.\n",
    )
    .unwrap();
    fs::write(
        args.out.join("content/pages/about.md"),
        "---\ntitle: О корпусе\n---\nСгенерированный корпус.\n",
    )
    .unwrap();

    let mut rng = Rng(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let subjects: Vec<usize> = regions.subjects().map(|(i, _)| i).collect();
    let mut total = 0usize;
    let mut files = Vec::with_capacity(args.practices);
    for n in 0..args.practices {
        let title = sentence(&mut rng, &vocab[..600.min(vocab.len())])
            .trim_end_matches('.')
            .chars()
            .take(90)
            .collect::<String>();
        let slug = format!(
            "{n:06}-{}",
            slugify(&title)
                .chars()
                .take(40)
                .collect::<String>()
                .trim_end_matches('-')
        );
        let region = &regions.get(subjects[n % subjects.len()]).name;
        let sector = &config.sectors[rng.below(config.sectors.len())].name;
        let year = 2015 + rng.below(12);
        let practice_tags: Vec<&str> = (0..2 + rng.below(3))
            .map(|_| tags[rng.zipf(tags.len())].as_str())
            .collect();
        let mut md = String::with_capacity(16 * 1024);
        let _ = write!(md, "---\ntitle: \"{}\"\nregion: {region}\nsector: {sector}\nyear: {year}\nsummary: \"{}\"\ntags: [{}]\norganization: Министерство социальной политики\nstatus: внедрена\nresults:\n  - label: Срок назначения\n    before: {} дней\n    after: {} дней\ncontacts:\n  - name: Отдел социальных программ\n    email: info@example.ru\ndate: {year}-{:02}-{:02}\n---\n",
            title.replace('"', "'"), sentence(&mut rng, &vocab).replace('"', "'"), practice_tags.join(", "), 10 + rng.below(50), 1 + rng.below(9), 1 + rng.below(12), 1 + rng.below(28));
        md.push_str(&paragraph(&mut rng, &vocab));
        md.push_str("\n\n");
        for section in SECTIONS {
            let _ = write!(md, "## {section}\n\n");
            for _ in 0..3 {
                md.push_str(&paragraph(&mut rng, &vocab));
                md.push_str("\n\n");
            }
            match rng.below(3) {
                0 => {
                    for _ in 0..4 {
                        let _ = writeln!(md, "- {}", sentence(&mut rng, &vocab));
                    }
                    md.push('\n');
                }
                1 => {
                    md.push_str("| Показатель | До | После |\n|---|---|---|\n");
                    for _ in 0..4 {
                        let _ = writeln!(
                            md,
                            "| {} | {} | {} |",
                            vocab[rng.below(300)],
                            rng.below(100),
                            rng.below(100)
                        );
                    }
                    md.push('\n');
                }
                _ => {
                    if n > 0 {
                        let other = &files[rng.below(files.len())];
                        let _ = write!(md, "См. также [похожую практику]({other}).\n\n");
                    }
                }
            }
        }
        total += md.len();
        let file = format!("{slug}.md");
        fs::write(practices_dir.join(&file), &md).unwrap();
        if let Some(hugo) = &args.hugo {
            let dir = hugo.join("content/practices");
            if n == 0 {
                let _ = fs::remove_dir_all(hugo);
                write_hugo_skeleton(hugo);
            }
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(&file), hugo_front_matter(&md)).unwrap();
        }
        files.push(file);
    }
    eprintln!(
        "Generated {} practices, {:.1} MB of Markdown, in {}",
        args.practices,
        total as f64 / 1e6,
        args.out.display()
    );
}

/// Hugo wants `tags` and custom taxonomies as lists and `.md` links as `ref`s; the rest is the same.
fn hugo_front_matter(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut in_front = 0;
    for line in md.lines() {
        if line == "---" {
            in_front += 1;
        }
        if in_front == 1 {
            if let Some(v) = line.strip_prefix("region: ") {
                let _ = writeln!(out, "regions: [\"{v}\"]");
                continue;
            }
            if let Some(v) = line.strip_prefix("sector: ") {
                let _ = writeln!(out, "sectors: [\"{v}\"]");
                continue;
            }
            if let Some(v) = line.strip_prefix("year: ") {
                let _ = writeln!(out, "years: [\"{v}\"]");
                continue;
            }
        }
        out.push_str(&line.replace("](", "](../").replace(".md)", "/)"));
        out.push('\n');
    }
    out
}

fn write_hugo_skeleton(hugo: &Path) {
    let layouts = hugo.join("layouts/_default");
    fs::create_dir_all(&layouts).unwrap();
    fs::write(hugo.join("hugo.toml"), "baseURL = 'https://example.org/'\nlanguageCode = 'ru'\ntitle = 'Синтетическая библиотека'\ndisableKinds = []\n[pagination]\npagerSize = 20\n[taxonomies]\nregion = 'regions'\nsector = 'sectors'\nyear = 'years'\ntag = 'tags'\n[outputs]\nhome = ['HTML', 'RSS']\nsection = ['HTML', 'RSS']\n").unwrap();
    let base = r#"<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{{ .Title }} — {{ .Site.Title }}</title><link rel="stylesheet" href="/style.css"></head><body><header><a href="/">{{ .Site.Title }}</a> <a href="/practices/">Практики</a> <a href="/regions/">Регионы</a> <a href="/sectors/">Сферы</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>"#;
    fs::write(layouts.join("baseof.html"), base).unwrap();
    fs::write(layouts.join("single.html"), r#"{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p><dl>{{ range .Params.regions }}<dt>Регион</dt><dd>{{ . }}</dd>{{ end }}{{ range .Params.sectors }}<dt>Сфера</dt><dd>{{ . }}</dd>{{ end }}</dl><nav>{{ .TableOfContents }}</nav>{{ .Content }}<ul>{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ with .Site.RegularPages.Related . | first 3 }}<h2>Похожие</h2><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}</article>{{ end }}"#).unwrap();
    fs::write(layouts.join("list.html"), r#"{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Params.summary }}</p></article>{{ end }}{{ template "_internal/pagination.html" . }}{{ end }}"#).unwrap();
    fs::write(layouts.join("terms.html"), r#"{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}"#).unwrap();
    fs::create_dir_all(hugo.join("layouts")).unwrap();
    fs::write(hugo.join("layouts/index.html"), r#"{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ range first 6 .Site.RegularPages }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}{{ end }}"#).unwrap();
}
