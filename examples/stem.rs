//! Prints `word<TAB>term` for each word on standard input: the Rust side of the stemmer parity
//! check, handy when debugging the JavaScript port.

use std::io::{BufRead, Write};

fn main() {
    let analyzer = praktika::search::text::Analyzer::default();
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines().map_while(Result::ok) {
        let word = line.trim();
        let term = analyzer
            .term(&praktika::search::text::normalize(word))
            .unwrap_or_default();
        let _ = writeln!(out, "{word}\t{term}");
    }
}
