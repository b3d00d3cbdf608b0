//! The text pipeline shared by the index (here, in Rust) and the query (in the reader's
//! browser, `themes/default/static/search.js`). Both sides must turn every word form into
//! exactly the same term, so this module stays small and each step has a JavaScript twin.
//!
//! Steps: NFC, lower case, `ё`→`е`; Unicode word segmentation ([`super::segment`]), with hyphenated compounds and
//! codes such as `442-ФЗ` kept whole and also split into parts; function words dropped;
//! Snowball stemming chosen per word by script (Russian for Cyrillic, English for Latin);
//! finally Russian fleeting vowels folded (`ребенок`/`ребенка` → `ребенк`).

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// True function words only: prepositions, conjunctions, particles. Never content words such
/// as «жизнь», «год», «человек», which people do search for.
pub const STOP_WORDS: &[&str] = &[
    "а",
    "без",
    "бы",
    "в",
    "во",
    "да",
    "для",
    "до",
    "же",
    "за",
    "и",
    "из",
    "или",
    "к",
    "ко",
    "ли",
    "на",
    "над",
    "не",
    "ни",
    "но",
    "о",
    "об",
    "обо",
    "от",
    "по",
    "под",
    "при",
    "про",
    "с",
    "со",
    "то",
    "у",
    "что",
    "чтобы",
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "by",
    "for",
    "from",
    "in",
    "is",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
];

/// A word of a text, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The index term (normalised, stemmed, folded).
    pub term: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// Word position, for proximity; parts of a compound share the compound's position.
    pub position: u32,
}

/// Turns words into index terms. Cheap to clone; holds the two stemmers.
pub struct Analyzer {
    russian: Stemmer,
    english: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            russian: Stemmer::create(Algorithm::Russian),
            english: Stemmer::create(Algorithm::English),
        }
    }
}

/// NFC, lower case, `ё`→`е`.
pub fn normalize(word: &str) -> String {
    word.nfc()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

impl Analyzer {
    /// The term of one already-normalised word, or `None` for a function word.
    pub fn term(&self, normalized: &str) -> Option<String> {
        if normalized.is_empty() || STOP_WORDS.contains(&normalized) {
            return None;
        }
        // Compounds stem part by part, so that «социально-экономического» meets
        // «социально-экономический».
        if normalized.contains('-') && !normalized.starts_with('-') {
            let parts: Vec<String> = normalized
                .split('-')
                .map(|part| self.stem_word(part))
                .collect();
            return Some(parts.join("-"));
        }
        Some(self.stem_word(normalized))
    }

    fn stem_word(&self, normalized: &str) -> String {
        let has_cyrillic = normalized.chars().any(is_cyrillic);
        let has_latin = normalized.chars().any(|c| c.is_ascii_alphabetic());
        let all_letters = normalized.chars().all(char::is_alphabetic);
        let stem = match (has_cyrillic, has_latin, all_letters) {
            (true, false, true) => fold_fleeting_vowel(&self.russian.stem(normalized)),
            (false, true, true) => self.english.stem(normalized).into_owned(),
            // Codes, numbers, mixed scripts: kept as written.
            _ => normalized.to_string(),
        };
        stem
    }

    /// Calls `f` with every word of a text as written, and for hyphenated compounds
    /// (`442-ФЗ`, `социально-экономический`) first with the whole compound, then with each part.
    /// The second argument is the word's position; a compound's parts share it.
    pub fn for_each_word<'t>(&self, text: &'t str, mut f: impl FnMut(&'t str, u32)) {
        let bytes = text.as_bytes();
        // The current `a-b-c` run (no spaces around the hyphens): its first word, and any
        // further words in `rest`, which stays empty (and unallocated) for most runs.
        let mut first: Option<(usize, &'t str)> = None;
        let mut rest: Vec<(usize, &'t str)> = Vec::new();
        let mut position = 0u32;
        let mut flush = |first: (usize, &'t str), rest: &mut Vec<(usize, &'t str)>| {
            if let Some(&(last, word)) = rest.last() {
                f(&text[first.0..last + word.len()], position);
            }
            f(first.1, position);
            for &(_, word) in rest.iter() {
                f(word, position);
            }
            position += 1;
            rest.clear();
        };
        super::segment::for_each_word(text, |offset, word| {
            if let Some(run) = first {
                let (start, previous) = rest.last().copied().unwrap_or(run);
                if is_hyphen(&bytes[start + previous.len()..offset]) {
                    rest.push((offset, word));
                    return;
                }
                flush(run, &mut rest);
            }
            first = Some((offset, word));
        });
        if let Some(run) = first {
            flush(run, &mut rest);
        }
    }

    /// The term of a word or compound as [`Analyzer::for_each_word`] gives it.
    pub fn word_term(&self, word: &str) -> Option<String> {
        let normalized = normalize(word);
        if normalized.contains(['‐', '‑']) {
            self.term(&normalized.replace(['‐', '‑'], "-"))
        } else {
            self.term(&normalized)
        }
    }

    /// Splits a text into terms, with their places.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        let base = text.as_ptr() as usize;
        self.for_each_word(text, |word, position| {
            if let Some(term) = self.word_term(word) {
                let start = word.as_ptr() as usize - base;
                tokens.push(Token {
                    term,
                    start,
                    end: start + word.len(),
                    position,
                });
            }
        });
        tokens
    }
}

/// A hyphen that joins words into a compound: `-`, U+2010 or U+2011, alone.
fn is_hyphen(gap: &[u8]) -> bool {
    // U+2010 and U+2011 in UTF-8.
    matches!(gap, b"-" | [0xE2, 0x80, 0x90 | 0x91])
}

/// `ребенок`→`ребенк`, `отец`→`отц`: a Russian stem ending in consonant + о/е + к/ц loses the
/// vowel, so the forms with and without it (`ребенка`, `отца`) meet.
pub fn fold_fleeting_vowel(stem: &str) -> String {
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n >= 4
        && matches!(chars[n - 1], 'к' | 'ц')
        && matches!(chars[n - 2], 'о' | 'е')
        && !is_russian_vowel(chars[n - 3])
    {
        let mut folded: String = chars[..n - 2].iter().collect();
        folded.push(chars[n - 1]);
        folded
    } else {
        stem.to_string()
    }
}

fn is_russian_vowel(c: char) -> bool {
    "аеиоуыэюяйь".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::default()
            .tokens(text)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn inflections_meet() {
        let a = Analyzer::default();
        let t = |w| a.word_term(w).unwrap();
        assert_eq!(t("школами"), t("школа"));
        assert_eq!(t("многодетным"), t("многодетных"));
        assert_eq!(t("семьям"), t("семьи"));
        assert_eq!(t("ребёнок"), t("ребенка"));
        assert_eq!(t("отец"), t("отца"));
        assert_ne!(t("семей"), t("семинар"));
        assert_eq!(t("Families"), t("family"));
    }

    #[test]
    fn function_words_go_but_content_words_stay() {
        assert_eq!(terms("и в на"), Vec::<String>::new());
        let a = Analyzer::default();
        for w in ["жизнь", "год", "человек"] {
            assert!(a.word_term(w).is_some(), "{w}");
        }
    }

    #[test]
    fn codes_and_compounds_stay_whole_and_split() {
        let t = terms("закон 442-ФЗ и социально-экономический");
        assert!(t.contains(&"442-фз".to_string()), "{t:?}");
        assert!(
            t.contains(&"442".to_string()) && t.contains(&"фз".to_string()),
            "{t:?}"
        );
        let a = Analyzer::default();
        assert!(
            t.contains(&a.word_term("социально-экономический").unwrap()),
            "{t:?}"
        );
        assert!(t.contains(&a.word_term("экономический").unwrap()), "{t:?}");
        assert_eq!(
            a.word_term("социально-экономического"),
            a.word_term("социально-экономический")
        );
    }
}
