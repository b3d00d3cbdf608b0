//! Russian language helpers for templates: plural forms, dates, and typography.

/// Picks the plural form for `n`: 1 практика, 3 практики, 5 практик, 21 практика, 11 практик.
pub fn plural_form<'a>(n: i64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let n = n.unsigned_abs();
    match (n % 10, n % 100) {
        (1, r) if r != 11 => one,
        (2..=4, r) if !(12..=14).contains(&r) => few,
        _ => many,
    }
}

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// `2021-04-15` → «15 апреля 2021» (with a non-breaking space between day and month).
pub fn date(iso: &str) -> Option<String> {
    let d = crate::date::Date::parse(iso)?;
    Some(format!(
        "{}\u{a0}{} {}",
        d.day,
        MONTHS_GENITIVE[d.month as usize - 1],
        d.year
    ))
}

/// Russian typography for plain text: «ёлочки» instead of straight quotes, a non-breaking
/// space after one- and two-letter words (prepositions, conjunctions) and before a dash, and a
/// real dash for a spaced hyphen.
pub fn typograph(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut quote_open = false;
    let mut word_len = 0usize;
    let mut prev: Option<char> = None;
    // Two characters of look-ahead, advanced with the text (cloning the iterator to peek at
    // every character cost as much as the rest of the function).
    let mut rest = text.chars();
    let mut next = rest.next();
    let mut after_next = rest.next();
    while let Some(c) = next {
        next = after_next;
        after_next = rest.next();
        let replacement = match c {
            '"' => {
                let opening = prev.is_none_or(|p| p.is_whitespace() || "([—-«".contains(p))
                    || !quote_open && next.is_some_and(char::is_alphanumeric);
                word_len = 0;
                if opening && !quote_open {
                    quote_open = true;
                    '«'
                } else {
                    quote_open = false;
                    '»'
                }
            }
            ' ' => {
                let next_is_dash = matches!(next, Some('—' | '–'))
                    || (next == Some('-') && after_next == Some(' '));
                let short_word_before =
                    (1..=2).contains(&word_len) && next.is_some_and(|n| !n.is_whitespace());
                word_len = 0;
                if next_is_dash || short_word_before {
                    '\u{a0}'
                } else {
                    ' '
                }
            }
            '-' if prev == Some(' ') && next == Some(' ') => {
                word_len = 0;
                '—'
            }
            c if is_letter(c) => {
                // A word counts as short only if it starts after a space or the text's start.
                if word_len > 0
                    || prev
                        .is_none_or(|p| p.is_whitespace() || p == '\u{a0}' || p == '«' || p == '(')
                {
                    word_len += 1;
                } else {
                    word_len = 99;
                }
                c
            }
            c => {
                word_len = 99;
                c
            }
        };
        out.push(replacement);
        prev = Some(c);
    }
    out
}

/// `char::is_alphabetic`, answering for Latin and Russian letters without a table search:
/// typography runs on every card title of every list page.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        matches!(c, '\u{410}'..='\u{44F}' | 'ё' | 'Ё') || c.is_alphabetic()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_follow_russian_rules() {
        let f = |n| plural_form(n, "практика", "практики", "практик");
        assert_eq!(
            [
                f(1),
                f(2),
                f(5),
                f(11),
                f(12),
                f(21),
                f(22),
                f(25),
                f(111),
                f(0)
            ],
            [
                "практика",
                "практики",
                "практик",
                "практик",
                "практик",
                "практика",
                "практики",
                "практик",
                "практик",
                "практик"
            ]
        );
    }

    #[test]
    fn dates_in_the_genitive() {
        assert_eq!(date("2021-04-15").unwrap(), "15\u{a0}апреля 2021");
        assert_eq!(date("2024-12-01").unwrap(), "1\u{a0}декабря 2024");
        assert!(date("2024-13-01").is_none());
    }

    /// The first implementation, which peeked by cloning the iterator: the definition the
    /// faster one must match.
    fn typograph_reference(text: &str) -> String {
        let mut out = String::new();
        let mut quote_open = false;
        let mut word_len = 0usize;
        let mut prev: Option<char> = None;
        let mut rest = text.chars();
        while let Some(c) = rest.next() {
            let mut ahead = rest.clone();
            let next = ahead.next();
            let after_next = ahead.next();
            let replacement = match c {
                '"' => {
                    let opening = prev.is_none_or(|p| p.is_whitespace() || "([—-«".contains(p))
                        || !quote_open && next.is_some_and(char::is_alphanumeric);
                    word_len = 0;
                    if opening && !quote_open {
                        quote_open = true;
                        '«'
                    } else {
                        quote_open = false;
                        '»'
                    }
                }
                ' ' => {
                    let next_is_dash = matches!(next, Some('—' | '–'))
                        || (next == Some('-') && after_next == Some(' '));
                    let short_word_before =
                        (1..=2).contains(&word_len) && next.is_some_and(|n| !n.is_whitespace());
                    word_len = 0;
                    if next_is_dash || short_word_before {
                        '\u{a0}'
                    } else {
                        ' '
                    }
                }
                '-' if prev == Some(' ') && next == Some(' ') => {
                    word_len = 0;
                    '—'
                }
                c if c.is_alphabetic() => {
                    if word_len > 0
                        || prev.is_none_or(|p| {
                            p.is_whitespace() || p == '\u{a0}' || p == '«' || p == '('
                        })
                    {
                        word_len += 1;
                    } else {
                        word_len = 99;
                    }
                    c
                }
                c => {
                    word_len = 99;
                    c
                }
            };
            out.push(replacement);
            prev = Some(c);
        }
        out
    }

    #[test]
    fn typography_matches_its_reference_on_random_text() {
        let alphabet: Vec<char> = "ав Ж\"-—–«(.,1z\u{a0}\t".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 16) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            state = state.wrapping_add(1);
            assert_eq!(typograph(&text), typograph_reference(&text), "{text:?}");
        }
    }

    #[test]
    fn typography_binds_short_words_and_fixes_quotes() {
        assert_eq!(
            typograph("Выплата в Тамбове и на селе"),
            "Выплата в\u{a0}Тамбове и\u{a0}на\u{a0}селе"
        );
        assert_eq!(
            typograph("Проект \"Семья\" - итоги"),
            "Проект «Семья»\u{a0}— итоги"
        );
        assert_eq!(typograph("Совет — орган"), "Совет\u{a0}— орган");
    }
}
