//! The open dataset: every practice's metadata as JSON and as CSV.

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

pub fn records(lib: &Library) -> Vec<Record<'_>> {
    let abs = lib.config.base_url.absolute();
    lib.practices
        .iter()
        .map(|p| {
            let region = lib.regions.get(p.meta.region);
            Record {
                slug: &p.slug,
                url: format!("{abs}{}", p.url),
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
        })
        .collect()
}

pub fn json(lib: &Library) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&records(lib)).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// RFC 4180 CSV with a UTF-8 byte order mark, so that Excel on Russian Windows opens it right.
pub fn csv(lib: &Library) -> Vec<u8> {
    let mut out = String::from("\u{feff}slug,url,title,region,federal_district,sector,year,status,organization,summary,tags,date\r\n");
    for r in records(lib) {
        let year = r.year.to_string();
        let tags = r.tags.join("; ");
        let date = r.date.unwrap_or_default();
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
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
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
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
