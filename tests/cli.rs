//! The `praktika` binary as editors and CI run it: exit codes, messages, real files, real HTTP.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn praktika() -> Command {
    Command::new(env!("CARGO_BIN_EXE_praktika"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn check_prints_every_diagnostic_and_exits_1() {
    let out = praktika()
        .args(["check", "--root"])
        .arg(fixture("broken"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("error[").count(), 16, "{stderr}");
    assert!(stderr
        .contains("content/practices/unknown-region.md:3:9: unknown region «Тамбовская облсть»"));
    assert!(stderr.contains("hint: did you mean «Тамбовская область»?"));
    assert!(stderr.contains("16 problem(s) found; nothing was written"));
}

#[test]
fn build_prints_a_summary_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = praktika()
        .args(["build", "--root"])
        .arg(fixture("minimal"))
        .arg("--output")
        .arg(dir.path().join("site"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("Built 4 practices, ")
            && stderr.contains(" pages in "),
        "{stderr}"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = praktika()
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let out = praktika()
        .args(["build", "--root"])
        .arg(fixture("minimal"))
        .arg("--output")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not create"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn init_then_new_then_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(praktika()
        .arg("init")
        .arg(&site)
        .output()
        .unwrap()
        .status
        .success());
    common::output_ok(
        praktika()
            .args([
                "new",
                "Кешбэк за путёвку в лагерь",
                "--region",
                "Челябинская обл.",
                "--sector",
                "семья и дети",
                "--year",
                "2021",
                "--root",
            ])
            .arg(&site),
    );
    let created =
        std::fs::read_to_string(site.join("content/practices/keshbek-za-putevku-v-lager.md"))
            .unwrap();
    assert!(
        created.contains("region: \"Челябинская область\""),
        "canonical name written: {created}"
    );
    assert!(created.contains("## Как повторить"));

    let out = praktika()
        .args([
            "new",
            "Ещё",
            "--region",
            "Тамбовская облсть",
            "--sector",
            "Спорт",
            "--year",
            "2021",
            "--root",
        ])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean «Тамбовская область»?"));

    common::output_ok(praktika().args(["build", "--root"]).arg(&site));
    assert!(site
        .join("public/practices/keshbek-za-putevku-v-lager/index.html")
        .is_file());
    assert!(site
        .join("public/practices/primer-praktiki/index.html")
        .is_file());
    let workflow = std::fs::read_to_string(site.join(".github/workflows/library.yml")).unwrap();
    assert!(
        workflow.contains("praktika check --format github") && workflow.contains("deploy-pages")
    );
    let gitlab = std::fs::read_to_string(site.join(".gitlab-ci.yml")).unwrap();
    assert!(gitlab.contains("praktika check") && gitlab.contains("publish: public"));
    for ci in [&workflow, &gitlab] {
        serde_yaml::from_str::<serde_yaml::Value>(ci).expect("valid YAML");
    }
    assert!(
        !praktika()
            .arg("init")
            .arg(&site)
            .output()
            .unwrap()
            .status
            .success(),
        "init refuses a non-empty folder"
    );
}

/// Checks one value against a (small) JSON Schema: the keywords docs/diagnostics.schema.json
/// uses — type, required, additionalProperties, properties, items, enum, minimum, minLength,
/// pattern (only the `^[a-z0-9-]+$` form).
fn validate(schema: &serde_json::Value, value: &serde_json::Value, at: &str) -> Vec<String> {
    use serde_json::Value;
    let mut errors = Vec::new();
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !allowed.contains(&actual) {
            errors.push(format!("{at}: {actual} is not {allowed:?}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            errors.push(format!("{at}: {value} not in {options:?}"));
        }
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_i64),
        value.as_i64(),
    ) {
        if n < min {
            errors.push(format!("{at}: {n} < {min}"));
        }
    }
    if let (Some(min), Some(s)) = (
        schema.get("minLength").and_then(Value::as_u64),
        value.as_str(),
    ) {
        if (s.chars().count() as u64) < min {
            errors.push(format!("{at}: too short"));
        }
    }
    if let (Some("^[a-z0-9-]+$"), Some(s)) = (
        schema.get("pattern").and_then(Value::as_str),
        value.as_str(),
    ) {
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            errors.push(format!("{at}: {s:?} does not match the pattern"));
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            errors.extend(validate(items, item, &format!("{at}[{i}]")));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(key) {
                errors.push(format!("{at}: missing {key}"));
            }
        }
        for (key, item) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(sub) => errors.extend(validate(sub, item, &format!("{at}.{key}"))),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}: unexpected {key}"))
                }
                None => {}
            }
        }
    }
    errors
}

#[test]
fn check_json_output_follows_the_documented_schema() {
    let out = praktika()
        .args(["check", "--format", "json", "--root"])
        .arg(fixture("broken"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let errors = validate(&schema, &value, "$");
    assert!(errors.is_empty(), "{errors:#?}");
    let items = value.as_array().unwrap();
    assert_eq!(items.len(), 16);
    let region = items
        .iter()
        .find(|d| d["code"] == "unknown-region")
        .unwrap();
    assert_eq!(
        (
            region["path"].as_str().unwrap(),
            region["line"].as_u64().unwrap(),
            region["column"].as_u64().unwrap()
        ),
        ("content/practices/unknown-region.md", 3, 9)
    );
    assert_eq!(region["hint"], "did you mean «Тамбовская область»?");
    // The validator itself rejects what the schema forbids.
    let bad = serde_json::json!([{ "path": "a", "line": -1, "column": 0, "severity": "fatal", "code": "Bad Code", "message": "", "hint": 3, "extra": true }]);
    assert_eq!(
        validate(&schema, &bad, "$").len(),
        6,
        "{:#?}",
        validate(&schema, &bad, "$")
    );
}

#[test]
fn check_github_format_annotates_lines() {
    let out = praktika()
        .args(["check", "--format", "github", "--root"])
        .arg(fixture("broken"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 16);
    assert!(stdout.contains("::error file=content/practices/unknown-region.md,line=3,col=9,title=unknown-region::unknown region «Тамбовская облсть» (hint: did you mean «Тамбовская область»?)"), "{stdout}");
}
