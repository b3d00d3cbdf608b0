//! The open dataset: every practice's metadata as JSON and as CSV.

use std::hash::BuildHasher;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::Serialize;

use crate::library::Library;

#[derive(Serialize)]
pub struct Record<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub region: &'a str,
    pub region_slug: &'a str,
    pub federal_district: Option<&'a str>,
    pub sector: &'a str,
    pub year: i32,
    pub status: Option<&'static str>,
    pub organization: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub tags: &'a [String],
    pub date: Option<String>,
}

fn record(lib: &Library, i: usize) -> Record<'_> {
    let p = &lib.practices[i];
    let region = lib.regions.get(p.meta.region);
    Record {
        slug: &p.slug,
        url: format!("{}{}", lib.config.base_url.absolute(), p.url),
        title: &p.meta.title,
        region: &region.name,
        region_slug: &region.slug,
        federal_district: region
            .district
            .map(|d| lib.regions.districts[d].name.as_str()),
        sector: &lib.config.sectors[p.meta.sector].name,
        year: p.meta.year,
        status: p.meta.status.map(|s| s.name()),
        organization: p.meta.organization.as_deref(),
        summary: p.meta.summary.as_deref(),
        tags: &p.meta.tags,
        date: p.meta.date.map(|d| d.to_string()),
    }
}

/// One practice's entry in each file: pretty JSON as an element of the top-level array, and a
/// CSV line.
struct Row {
    /// What the row was made of, checked on a cache hit.
    front_matter_hash: u64,
    url: String,
    json: Vec<u8>,
    csv: String,
}

impl Row {
    fn new(front_matter_hash: u64, url: &str, record: &Record<'_>) -> Row {
        // An element of a pretty-printed array is the array of one, without its brackets.
        let one = serde_json::to_vec_pretty(&[record]).unwrap_or_default();
        let json = one
            .get(2..one.len().saturating_sub(2))
            .unwrap_or_default()
            .to_vec();
        Row {
            front_matter_hash,
            url: url.to_string(),
            json,
            csv: csv_line(record),
        }
    }
}

/// Rows of the dataset by what they are made of (front matter and URL), so that `serve`
/// re-serialises only what an edit changed, and the files of the last call, returned as they
/// are when no row changed. Valid for one configuration, like the content cache. A full build
/// starts from an empty one.
#[derive(Default)]
pub struct DatasetCache {
    rows: FxHashMap<u64, Arc<Row>>,
    last: Option<(Vec<Arc<Row>>, DatasetFiles)>,
}

/// `data/practices.json` and `data/practices.csv`.
#[derive(Clone)]
pub struct DatasetFiles {
    pub json: Arc<[u8]>,
    pub csv: Arc<[u8]>,
}

/// `data/practices.json` and `data/practices.csv` of a one-off build, written straight into
/// the two files: no row is kept apart (at 100 000 practices the rows and the files were
/// each ~180 MB). The bytes are those of [`files`], which `serve`'s tests compare.
pub fn files_once(lib: &Library) -> DatasetFiles {
    let records: Vec<Record<'_>> = (0..lib.practices.len()).map(|i| record(lib, i)).collect();
    let (json, csv) = rayon::join(
        || {
            let mut json = Vec::with_capacity(records.len() * 1024 + 4);
            // A pretty array is the rows of `files`, each indented, joined by ",\n".
            let _ = serde_json::to_writer_pretty(&mut json, &records);
            json.push(b'\n');
            json
        },
        || {
            let mut csv = String::with_capacity(records.len() * 768 + CSV_HEADER.len());
            csv.push_str(CSV_HEADER);
            for record in &records {
                csv.push_str(&csv_line(record));
            }
            csv
        },
    );
    DatasetFiles {
        json: json.into(),
        csv: csv.into_bytes().into(),
    }
}

/// `data/practices.json` and `data/practices.csv`, reusing the rows `cache` holds.
pub fn files(lib: &Library, cache: &mut DatasetCache) -> DatasetFiles {
    let key = |i: usize| {
        let p = &lib.practices[i];
        FxBuildHasher.hash_one((p.front_matter_hash, &p.url))
    };
    let cached = |i: usize| {
        let p = &lib.practices[i];
        cache
            .rows
            .get(&key(i))
            .filter(|row| row.front_matter_hash == p.front_matter_hash && row.url == p.url)
            .cloned()
    };
    let rows: Vec<Arc<Row>> = (0..lib.practices.len())
        .into_par_iter()
        .map(|i| {
            cached(i).unwrap_or_else(|| {
                let p = &lib.practices[i];
                Arc::new(Row::new(p.front_matter_hash, &p.url, &record(lib, i)))
            })
        })
        .collect();
    cache.rows = (0..rows.len()).map(key).zip(rows.iter().cloned()).collect();
    if let Some((last_rows, files)) = &cache.last {
        if last_rows.len() == rows.len()
            && last_rows.iter().zip(&rows).all(|(a, b)| Arc::ptr_eq(a, b))
        {
            return files.clone();
        }
    }

    let mut json = Vec::with_capacity(rows.iter().map(|r| r.json.len() + 2).sum::<usize>() + 4);
    if rows.is_empty() {
        json.extend_from_slice(b"[]");
    } else {
        json.extend_from_slice(b"[\n");
        for (n, row) in rows.iter().enumerate() {
            if n > 0 {
                json.extend_from_slice(b",\n");
            }
            json.extend_from_slice(&row.json);
        }
        json.extend_from_slice(b"\n]");
    }
    json.push(b'\n');

    let mut csv =
        String::with_capacity(rows.iter().map(|r| r.csv.len()).sum::<usize>() + CSV_HEADER.len());
    csv.push_str(CSV_HEADER);
    for row in &rows {
        csv.push_str(&row.csv);
    }
    let files = DatasetFiles {
        json: json.into(),
        csv: csv.into_bytes().into(),
    };
    cache.last = Some((rows, files.clone()));
    files
}

/// RFC 4180 CSV with a UTF-8 byte order mark, so that Excel on Russian Windows opens it right.
const CSV_HEADER: &str = "\u{feff}slug,url,title,region,federal_district,sector,year,status,organization,summary,tags,date\r\n";

fn csv_line(r: &Record<'_>) -> String {
    let year = r.year.to_string();
    let tags = r.tags.join("; ");
    let date = r.date.clone().unwrap_or_default();
    let fields = [
        r.slug,
        &r.url,
        r.title,
        r.region,
        r.federal_district.unwrap_or(""),
        r.sector,
        &year,
        r.status.unwrap_or(""),
        r.organization.unwrap_or(""),
        r.summary.unwrap_or(""),
        &tags,
        &date,
    ];
    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    let mut line = row.join(",");
    line.push_str("\r\n");
    line
}

/// Quotes a field when needed, and defuses spreadsheet formulas (`=`, `+`, `-`, `@` at the start).
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_off_dataset_equals_the_cached_one() {
        let minimal =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        let empty = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(empty.path().join("content/practices")).unwrap();
        std::fs::write(empty.path().join("site.yaml"), "title: x\n").unwrap();
        for site in [minimal.as_path(), empty.path()] {
            let lib = crate::load(&crate::BuildOptions::new(site)).unwrap();
            let once = files_once(&lib);
            let cached = files(&lib, &mut DatasetCache::default());
            assert_eq!(
                *once.json,
                *cached.json,
                "{}",
                String::from_utf8_lossy(&once.json)
            );
            assert_eq!(*once.csv, *cached.csv);
        }
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
