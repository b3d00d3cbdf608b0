//! `praktika new` and `praktika init`: files an editor starts from.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Error;
use crate::regions::{Lookup, Regions};
use crate::slug::slugify;

/// The skeleton of a practice, with every standard section.
pub fn practice_skeleton(title: &str, region: &str, sector: &str, year: i32) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        "---\ntitle: {}\nregion: {}\nsector: {}\nyear: {year}\nsummary: {}\ntags: []\n# organization: Министерство социальной защиты области\n# status: внедрена            # пилот | внедрена | тиражируется\n# results:\n#   - label: Срок назначения выплаты\n#     before: 30 дней\n#     after: 5 дней\n# links:\n#   - title: Сообщение на сайте правительства области\n#     url: https://example.ru/news/1\n# contacts:\n#   - name: Отдел социальных программ\n#     email: info@example.ru\n# date: {year}-01-01\n---\nОдин-два абзаца о сути практики.\n\n## Проблема\n\nКакую задачу решали и почему прежний порядок не работал.\n\n## Решение\n\nЧто именно сделали, кто участвовал, какие документы приняли.\n\n## Результаты\n\nЧто изменилось: цифры «до» и «после», отзывы людей.\n\n## Как повторить\n\n1. Первый шаг.\n2. Второй шаг.\n\n## Ресурсы\n\nДокументы, ссылки, контакты.\n",
        quote(title),
        quote(region),
        quote(sector),
        quote("Коротко, в одном-двух предложениях: что сделали и что это дало."),
    )
}

/// Errors of `new` that are the user's input rather than I/O.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error("unknown region «{input}»{}", hint_suffix(.hint))]
    Region { input: String, hint: Option<String> },
    #[error("unknown sector «{input}»; sectors in site.yaml: {known}")]
    Sector { input: String, known: String },
    #[error("{0} already exists")]
    Exists(PathBuf),
    #[error("the title gives an empty file name; pass --slug")]
    EmptySlug,
    #[error(transparent)]
    Other(#[from] Error),
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default()
}

/// What `praktika new` was asked for.
pub struct NewPractice<'a> {
    pub title: &'a str,
    pub region: &'a str,
    pub sector: &'a str,
    pub year: i32,
    /// The file name instead of the transliterated title.
    pub slug: Option<&'a str>,
}

/// Writes `content/practices/<slug>.md` with canonical region and sector names.
pub fn new_practice(
    root: &Path,
    config: &Config,
    regions: &Regions,
    request: &NewPractice<'_>,
) -> Result<PathBuf, NewError> {
    let NewPractice {
        title,
        region,
        sector,
        year,
        slug,
    } = *request;
    let region_name = match regions.lookup(region) {
        Lookup::Found(id) => regions.get(id).name.clone(),
        Lookup::Ambiguous(ids) => {
            let names: Vec<String> = ids
                .iter()
                .map(|&i| format!("«{}»", regions.get(i).name))
                .collect();
            return Err(NewError::Region {
                input: region.into(),
                hint: Some(format!("write one of {}", names.join(" or "))),
            });
        }
        Lookup::Unknown { suggestion } => {
            return Err(NewError::Region {
                input: region.into(),
                hint: suggestion.map(|id| format!("did you mean «{}»?", regions.get(id).name)),
            })
        }
    };
    let fold = |s: &str| s.to_lowercase().replace('ё', "е");
    let sector_name = config
        .sectors
        .iter()
        .find(|s| fold(&s.name) == fold(sector.trim()) || s.slug == sector)
        .map(|s| s.name.clone())
        .ok_or_else(|| NewError::Sector {
            input: sector.into(),
            known: config
                .sectors
                .iter()
                .map(|s| format!("«{}»", s.name))
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let slug = slugify(slug.unwrap_or(title));
    if slug.is_empty() {
        return Err(NewError::EmptySlug);
    }
    let dir = root.join("content").join("practices");
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(NewError::Exists(path));
    }
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    fs::write(
        &path,
        practice_skeleton(title, &region_name, &sector_name, year),
    )
    .map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

const INIT_SITE_YAML: &str = "# Настройки сайта библиотеки практик. Описание: README.md.\ntitle: Библиотека лучших практик\ndescription: Практики социальной политики, которые сработали в нашем регионе.\n# Адрес, по которому сайт будет опубликован (можно с подкаталогом).\nbase_url: https://example.org/library/\nlanguage: ru\ntheme: default\npractices_per_page: 20\n# Репозиторий с текстами: для ссылок «Исправить на странице».\n# repository: https://github.com/org/library\nsectors:\n  - Социальная защита\n  - Семья и дети\n  - Здравоохранение\n  - Образование\n  - Занятость\n  - Государственное управление\n  - Культура\n  - Спорт\n";

const INIT_README: &str = "# Библиотека практик\n\nСайт собирается программой [Praktika](https://github.com/praktika-ssg/praktika) из Markdown-файлов.\n\n## Как добавить практику\n\n1. Создайте файл: `praktika new \"Название практики\" --region \"Тамбовская область\" --sector \"Социальная защита\" --year 2024`.\n2. Заполните поля в начале файла (между строками `---`) и разделы текста.\n3. Посмотрите результат: `praktika serve`, затем откройте http://127.0.0.1:1111/.\n4. Проверьте ошибки: `praktika check`. Каждая ошибка указывает файл, строку и подсказку.\n\n## Поля практики\n\n| поле | обязательно | что писать |\n|---|---|---|\n| title | да | название практики |\n| region | да | регион: «Тамбовская область», «Подмосковье», «г. Москва»… или «Российская Федерация» |\n| sector | да | одна из сфер, перечисленных в site.yaml |\n| year | да | год начала практики |\n| summary | нет | одно-два предложения о сути |\n| tags | нет | список тегов: `[НКО, многодетные семьи]` |\n| organization, status, results, links, contacts, date, draft | нет | см. пример в content/practices |\n\n## Проверка и публикация\n\n`praktika build` собирает сайт в папку `public/`, которую можно выложить на любой статический хостинг.\n\nГотовые файлы для CI уже лежат в репозитории:\n\n- `.github/workflows/library.yml` — GitHub Actions: каждый pull request проверяется командой `praktika check --format github` (ошибки появляются прямо на нужных строках), а ветка `main` собирается и публикуется на GitHub Pages (в настройках: Pages → Source: GitHub Actions).\n- `.gitlab-ci.yml` — GitLab CI: merge request проверяется (`diagnostics.json` — список ошибок), основная ветка публикуется на GitLab Pages.\n";

/// GitHub Actions: check every pull request, build and publish `main` to GitHub Pages.
const GITHUB_WORKFLOW: &str = r#"# Written by `praktika init`. Checks every pull request; publishes main to GitHub Pages.
name: library
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
  pages: write
  id-token: write
jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo install --locked --git https://github.com/praktika-ssg/praktika praktika
      # Annotations appear on the exact lines of the pull request.
      - run: praktika check --format github
  publish:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deploy.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
      - run: cargo install --locked --git https://github.com/praktika-ssg/praktika praktika
      - run: praktika build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public
      - id: deploy
        uses: actions/deploy-pages@v4
"#;

/// GitLab CI: check merge requests, build and publish the default branch to GitLab Pages.
const GITLAB_CI: &str = r#"# Written by `praktika init`. Checks merge requests; publishes the default branch to Pages.
image: rust:latest

before_script:
  - cargo install --locked --git https://github.com/praktika-ssg/praktika praktika

check:
  stage: test
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - praktika check --format json > diagnostics.json || (praktika check; exit 1)
  artifacts:
    when: always
    paths: [diagnostics.json]

pages:
  stage: deploy
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - praktika build
  publish: public
  artifacts:
    paths: [public]
"#;

/// Creates a new site in `dir`, which must be empty or absent.
pub fn init_site(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Error::UnsafeOutput {
                path: dir.to_path_buf(),
                reason: "the folder is not empty".into(),
            });
        }
    }
    let example = practice_skeleton(
        "Пример практики",
        "Тамбовская область",
        "Социальная защита",
        2024,
    );
    let files: [(&str, &str); 8] = [
        (".github/workflows/library.yml", GITHUB_WORKFLOW),
        (".gitlab-ci.yml", GITLAB_CI),
        ("site.yaml", INIT_SITE_YAML),
        ("README.md", INIT_README),
        (".gitignore", "/public/\n/.public.*/\n"),
        ("content/_index.md", "---\ntitle: Библиотека лучших практик\n---\nЗдесь собраны практики социальной политики, которые сработали в регионах.\n"),
        ("content/pages/about.md", "---\ntitle: О библиотеке\n---\nКто ведёт библиотеку и как предложить свою практику.\n"),
        ("content/practices/primer-praktiki.md", &example),
    ];
    let mut written = Vec::new();
    for (path, text) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&target, text).map_err(|e| Error::io(&target, e))?;
        written.push(target);
    }
    Ok(written)
}
