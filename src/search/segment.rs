//! Unicode word segmentation (UAX #29) with a fast path for the text a practice library is
//! made of: ASCII, the basic Cyrillic block and common Russian punctuation.
//!
//! The index tokenises ~150 MB of body text for 10 000 practices; the general segmenter's
//! table lookups for every Cyrillic letter were a sixth of a whole build. Words never span
//! white space, so the text is cut at ASCII white space, and a piece made only of characters
//! whose word-break class is known here is segmented by the few rules that can apply to them
//! (WB5–WB13b). Any other piece goes to `unicode-segmentation`, which stays the definition:
//! the tests compare both on random text.

use unicode_segmentation::UnicodeSegmentation;

/// Word-break classes of the characters the fast path knows (UAX #29, table 3).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// ALetter.
    Letter,
    Numeric,
    /// MidNumLet or Single_Quote (the same here: there are no Hebrew letters on this path).
    MidNumLetQ,
    MidLetter,
    MidNum,
    ExtendNumLet,
    /// Punctuation and symbols that join nothing.
    Other,
}

/// The class of a character, or `None` when the fast path does not know it.
fn class(c: char) -> Option<Class> {
    Some(match c {
        'a'..='z' | 'A'..='Z' | '\u{400}'..='\u{47F}' => Class::Letter,
        '0'..='9' => Class::Numeric,
        '.' | '\'' | '\u{2018}' | '\u{2019}' => Class::MidNumLetQ,
        ':' | '\u{B7}' => Class::MidLetter,
        ',' | ';' => Class::MidNum,
        '_' | '\u{202F}' => Class::ExtendNumLet,
        '!'..='/' | '<'..='@' | '['..='`' | '{'..='~' => Class::Other,
        '\u{A0}' | '\u{AB}' | '\u{BB}' | '\u{2013}' | '\u{2014}' | '\u{2026}' | '\u{201C}'
        | '\u{201D}' | '\u{201E}' => Class::Other,
        _ => return None,
    })
}

/// The longest piece (in characters) the fast path takes.
const MAX_PIECE: usize = 64;

/// White space that ends a word on both sides (WB3a, WB3b, WB999); never part of a word.
fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Calls `f(offset, word)` for every word of `text`: exactly the segments that
/// `unicode_word_indices` gives, in order.
pub fn for_each_word<'t>(text: &'t str, mut f: impl FnMut(usize, &'t str)) {
    let bytes = text.as_bytes();
    // Reused for every piece: a fresh array per word was a kilobyte of zeroing per word.
    let mut classes = Vec::with_capacity(MAX_PIECE);
    let mut start = 0;
    while start < bytes.len() {
        if is_separator(bytes[start]) {
            start += 1;
            continue;
        }
        // The common piece (see `simple_piece`) is found in the same pass that finds its end.
        let (word, after) = simple_prefix(bytes, start);
        if after == bytes.len() || is_separator(bytes[after]) {
            if let Some(word) = word {
                f(word.start, &text[word]);
            }
            start = after;
            continue;
        }
        let end = bytes[after..]
            .iter()
            .position(|&b| is_separator(b))
            .map_or(bytes.len(), |n| after + n);
        // Both ends sit next to ASCII bytes or the text's ends, so they are char boundaries.
        let piece = &text[start..end];
        if !fast_piece(piece, start, &mut classes, &mut f) {
            // An Extend or Format character at the start of a piece can attach to the white
            // space before it (WB3d, WB4), so the general segmenter sees that run too; a
            // boundary always precedes the run.
            let run = bytes[..start]
                .iter()
                .rev()
                .take_while(|&&b| is_separator(b))
                .count();
            let from = start - run;
            for (offset, word) in text[from..end].unicode_word_indices() {
                f(from + offset, word);
            }
        }
        start = end;
    }
}

/// Segments a piece without white space if every character has a known class; returns
/// false (having called nothing) otherwise.
fn fast_piece<'t>(
    piece: &'t str,
    base: usize,
    classes: &mut Vec<(usize, Class)>,
    f: &mut impl FnMut(usize, &'t str),
) -> bool {
    if let Some(word) = simple_piece(piece.as_bytes()) {
        if let Some(word) = word {
            f(base + word.start, &piece[word]);
        }
        return true;
    }
    classes.clear();
    let mut alphanumeric = true;
    for (offset, c) in piece.char_indices() {
        let Some(class) = class(c) else {
            return false;
        };
        if classes.len() == MAX_PIECE {
            // A very long piece (a URL, a run of symbols): rare enough for the general path.
            return false;
        }
        alphanumeric &= matches!(class, Class::Letter | Class::Numeric);
        classes.push((offset, class));
    }
    // Most pieces are one plain word: letters and digits always join (WB5, WB8–WB10).
    if alphanumeric {
        if !piece.is_empty() {
            f(base, piece);
        }
        return true;
    }
    let n = classes.len();
    let classes = &classes[..];
    let at = |i: usize| classes.get(i).map(|&(_, c)| c);
    let mut segment = 0;
    for i in 1..=n {
        let joined = i < n
            && joins(
                i.checked_sub(2).and_then(at),
                classes[i - 1].1,
                classes[i].1,
                at(i + 1),
            );
        if !joined {
            let from = classes[segment].0;
            let to = classes.get(i).map_or(piece.len(), |&(offset, _)| offset);
            if classes[segment..i]
                .iter()
                .any(|&(_, c)| matches!(c, Class::Letter | Class::Numeric))
            {
                f(base + from, &piece[from..to]);
            }
            segment = i;
        }
    }
    true
}

/// Most pieces of prose are a word with perhaps punctuation around it: `«слово»,`, `(2024`,
/// `г.`. Punctuation joins letters or digits only when they follow it (WB6–WB7, WB11–WB12),
/// so such a piece is exactly its run of letters and digits. Found here on bytes, without
/// classifying character by character: `Some(word range)`, `Some(None)` for punctuation
/// alone, and `None` for any other piece (letters after punctuation, `_`, other scripts).
fn simple_piece(bytes: &[u8]) -> Option<Option<std::ops::Range<usize>>> {
    let (word, end) = simple_prefix(bytes, 0);
    (end == bytes.len()).then_some(word)
}

/// The longest run from `from` of the shape [`simple_piece`] accepts (punctuation, letters
/// and digits, punctuation): its word, if it has letters or digits, and where it ends (on a
/// character boundary). The piece is simple if the run reaches its end.
#[inline(always)]
fn simple_prefix(bytes: &[u8], from: usize) -> (Option<std::ops::Range<usize>>, usize) {
    let mut i = from;
    while let Some(len) = punctuation_len(&bytes[i..]) {
        i += len;
    }
    let start = i;
    i = skip_alphanumeric(bytes, i);
    let end = i;
    while let Some(len) = punctuation_len(&bytes[i..]) {
        i += len;
    }
    ((start < end).then_some(start..end), i)
}

/// Where the run of letters and digits the fast path knows (ASCII, U+0400–U+047F, all of
/// them ALetter) starting at `i` ends. This loop sees every letter of the library, and its
/// cost was the mispredicted branch where a word ends, once or twice per word: so on x86_64
/// the bytes are classified 32 at a time with SSE2 ([`sse2::word_bytes`]) and the word's end
/// is a count of trailing ones, with no branch on its length.
///
/// Near the end of a text (and on other architectures), four Cyrillic letters are taken at
/// once, eight bytes as one number: lead bytes `D0`/`D1` and continuation bytes `10xxxxxx`;
/// then one character at a time, with one well-predicted branch: in valid UTF-8, U+0400–U+047F
/// are exactly the byte pairs `D0 80`–`D1 BF` read as one big-endian number (no other pair in
/// that range can occur).
#[inline]
fn skip_alphanumeric(bytes: &[u8], mut i: usize) -> usize {
    const LEAD_MASK: u64 = 0x00FE_00FE_00FE_00FE;
    const LEAD: u64 = 0x00D0_00D0_00D0_00D0;
    const CONTINUATION_MASK: u64 = 0xC000_C000_C000_C000;
    const CONTINUATION: u64 = 0x8000_8000_8000_8000;
    #[cfg(target_arch = "x86_64")]
    while let Some(window) = bytes[i..].first_chunk::<32>() {
        let (word, ends_in_lead) = sse2::word_bytes(window);
        if word != u32::MAX {
            return i + word.trailing_ones() as usize;
        }
        // A lead byte last: its letter is read whole from the next window.
        i += 32 - usize::from(ends_in_lead);
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let x = u64::from_le_bytes(eight);
        if (x & LEAD_MASK) ^ LEAD | (x & CONTINUATION_MASK) ^ CONTINUATION != 0 {
            break;
        }
        i += 8;
    }
    while let Some(&[b, next]) = bytes.get(i..i + 2) {
        if (0xD080..=0xD1BF).contains(&u16::from_be_bytes([b, next])) {
            i += 2;
        } else if b.is_ascii_alphanumeric() {
            i += 1;
        } else {
            return i;
        }
    }
    match bytes.get(i) {
        Some(b) if b.is_ascii_alphanumeric() => i + 1,
        _ => i,
    }
}

/// The byte classification behind [`skip_alphanumeric`], sixteen bytes per instruction.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::*;

    /// Bit k is set when byte k of `window` belongs to a letter or digit of the fast path: an
    /// ASCII letter or digit, a `D0`/`D1` lead byte, or a continuation byte right after one;
    /// and whether the last byte is such a lead (its letter continues past the window).
    /// The window must start on a character boundary.
    #[inline]
    pub fn word_bytes(window: &[u8; 32]) -> (u32, bool) {
        // SAFETY: SSE2 is part of the x86_64 baseline, so every x86_64 CPU has it.
        unsafe { word_bytes_sse2(window) }
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    fn word_bytes_sse2(window: &[u8; 32]) -> (u32, bool) {
        // SAFETY: two unaligned 16-byte loads, both inside the 32-byte array.
        let (low, high) = unsafe {
            (
                _mm_loadu_si128(window.as_ptr().cast()),
                _mm_loadu_si128(window.as_ptr().add(16).cast()),
            )
        };
        let (alnum_low, lead_low, continuation_low) = classes(low);
        let (alnum_high, lead_high, continuation_high) = classes(high);
        let alnum = alnum_low | alnum_high << 16;
        let lead = lead_low | lead_high << 16;
        let continuation = continuation_low | continuation_high << 16;
        (alnum | lead | (continuation & lead << 1), lead >> 31 != 0)
    }

    /// Bit masks of the ASCII letters and digits, `D0`/`D1` bytes and continuation bytes
    /// (`10xxxxxx`) among sixteen bytes. Signed comparisons: bytes from `80` up are negative,
    /// so they are never in an ASCII range.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn classes(v: __m128i) -> (u32, u32, u32) {
        let within = |low: u8, high: u8, v| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(low as i8 - 1)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(high as i8 + 1)),
            )
        };
        let digit = within(b'0', b'9', v);
        // `| 0x20` lowers ASCII capitals and moves no other byte into `a`–`z`.
        let letter = within(b'a', b'z', _mm_or_si128(v, _mm_set1_epi8(0x20)));
        let masked_equal = |mask: u8, value: u8| {
            _mm_cmpeq_epi8(
                _mm_and_si128(v, _mm_set1_epi8(mask as i8)),
                _mm_set1_epi8(value as i8),
            )
        };
        let lead = masked_equal(0xFE, 0xD0);
        let continuation = masked_equal(0xC0, 0x80);
        (
            _mm_movemask_epi8(_mm_or_si128(digit, letter)) as u32,
            _mm_movemask_epi8(lead) as u32,
            _mm_movemask_epi8(continuation) as u32,
        )
    }
}

/// The byte length of a punctuation character that joins nothing after it at the start of
/// `bytes`: classes Other, MidLetter, MidNum and MidNumLetQ of [`class`], not ExtendNumLet.
#[inline(always)]
fn punctuation_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [b'_', ..] => None,
        [b, ..] if b.is_ascii_punctuation() => Some(1),
        // U+00A0, «, », ·
        [0xC2, 0xA0 | 0xAB | 0xBB | 0xB7, ..] => Some(2),
        // – — ‘ ’ “ ” „ …
        [0xE2, 0x80, 0x93 | 0x94 | 0x98 | 0x99 | 0x9C | 0x9D | 0x9E | 0xA6, ..] => Some(3),
        _ => None,
    }
}

/// Whether there is no word boundary between `previous` and `current` (UAX #29 WB5–WB13b;
/// the other rules concern characters that never reach the fast path).
fn joins(before: Option<Class>, previous: Class, current: Class, after: Option<Class>) -> bool {
    use Class::*;
    let mid_letter = |c| matches!(c, MidLetter | MidNumLetQ);
    let mid_num = |c| matches!(c, MidNum | MidNumLetQ);
    match (previous, current) {
        (Letter | Numeric, Letter | Numeric) => true,
        (Letter, c) if mid_letter(c) => after == Some(Letter),
        (c, Letter) if mid_letter(c) => before == Some(Letter),
        (Numeric, c) if mid_num(c) => after == Some(Numeric),
        (c, Numeric) if mid_num(c) => before == Some(Numeric),
        (Letter | Numeric | ExtendNumLet, ExtendNumLet) => true,
        (ExtendNumLet, Letter | Numeric) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for_each_word(text, |offset, word| out.push((offset, word.to_string())));
        out
    }

    fn reference(text: &str) -> Vec<(usize, String)> {
        text.unicode_word_indices()
            .map(|(offset, word)| (offset, word.to_string()))
            .collect()
    }

    #[test]
    fn every_known_character_has_the_class_unicode_gives_it() {
        // Each character between letters and between digits, alone, and doubled: a wrong
        // class shows up as a different segmentation in one of these contexts.
        let mut chars: Vec<char> = (0x21u8..0x7F).map(char::from).collect();
        chars.extend(('\u{400}'..='\u{47F}').chain("\u{A0}\u{AB}\u{BB}\u{2013}\u{2014}\u{2026}\u{201C}\u{201D}\u{201E}\u{2018}\u{2019}\u{B7}\u{202F}".chars()));
        for c in chars {
            assert!(class(c).is_some(), "{c:?}");
            for text in [
                format!("ab{c}cd"),
                format!("12{c}34"),
                format!("a{c}1"),
                format!("1{c}a"),
                format!("{c}"),
                format!("{c}{c}a{c}{c}"),
                format!("ж{c}{c}ж"),
            ] {
                assert_eq!(fast(&text), reference(&text), "{text:?}");
            }
        }
    }

    /// Checks `count` random texts of up to `max_len` characters, each drawn by `pick` from
    /// a random number, against the general segmenter.
    fn check_random_texts(seed: u64, count: usize, max_len: u64, pick: impl Fn(u64) -> char) {
        let mut state = seed;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..count {
            let len = next() % max_len;
            let text: String = (0..len).map(|_| pick(next())).collect();
            assert_eq!(fast(&text), reference(&text), "{text:?}");
        }
    }

    #[test]
    fn random_text_segments_as_unicode_says() {
        // Known characters, white space, and characters the fast path leaves to the general
        // segmenter (combining marks, a format character, CJK, an emoji, other scripts).
        let alphabet: Vec<char> =
            "aZ9_.,;:'’-«»—–…\u{A0}\u{202F}·жЁё5 \n\t\r\u{301}\u{AD}\u{200D}中ア😀αשּׁ\"№"
                .chars()
                .collect();
        check_random_texts(0x2545_F491_4F6C_DD1D, 20_000, 24, |n| {
            alphabet[(n % alphabet.len() as u64) as usize]
        });
    }

    #[test]
    fn long_cyrillic_runs_segment_as_unicode_says() {
        // Runs long enough for the 32-byte and eight-byte steps, with the letters at the edges of the
        // fast range (U+0400 `D0 80`, U+047F `D1 BF`) and characters just past it (U+0482, a
        // sign, and U+0483, a combining mark: `D2 82`, `D2 83`), at every offset against the
        // step: mostly common letters, some rare ones, a few spaces.
        let rare: Vec<char> = "жяЀѿ҂\u{483}ӿaZ7".chars().collect();
        let common: Vec<char> = "рстуабвгд".chars().collect();
        check_random_texts(0x9E37_79B9_7F4A_7C15, 20_000, 120, |n| match n % 100 {
            0..=2 => ' ',
            3..=9 => rare[(n / 100 % rare.len() as u64) as usize],
            _ => common[(n / 100 % common.len() as u64) as usize],
        });
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_classifies_every_byte_as_the_scalar_rules_do() {
        // Windows of bytes around every class edge, at every position; UTF-8 validity does
        // not matter to the classification itself.
        let edges: Vec<u8> = vec![
            0x00, b' ', b'/', b'0', b'9', b':', b'@', b'A', b'Z', b'[', b'`', b'a', b'z', b'{',
            0x7F, 0x80, 0xA0, 0xBF, 0xC0, 0xC2, 0xCF, 0xD0, 0xD1, 0xD2, 0xE2, 0xFF,
        ];
        let mut state = 0x0123_4567_89AB_CDEFu64;
        for _ in 0..50_000 {
            let mut window = [0u8; 32];
            for byte in &mut window {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = edges[(state % edges.len() as u64) as usize];
            }
            let lead = |b: u8| b == 0xD0 || b == 0xD1;
            let mut expected = 0u32;
            for (k, &b) in window.iter().enumerate() {
                let after_lead = k > 0 && lead(window[k - 1]) && b & 0xC0 == 0x80;
                if b.is_ascii_alphanumeric() || lead(b) || after_lead {
                    expected |= 1 << k;
                }
            }
            assert_eq!(
                sse2::word_bytes(&window),
                (expected, lead(window[31])),
                "{window:02x?}"
            );
        }
    }

    #[test]
    fn russian_prose() {
        let text =
            "Закон № 442-ФЗ: «социально-экономический» эффект — 3,5 млн руб. (т.е. в 2024 г.)";
        assert_eq!(fast(text), reference(text));
        let long = "x".repeat(200) + " конец";
        assert_eq!(fast(&long), reference(&long));
        let long = format!("«{}», ({}).", "ж".repeat(100), "я1".repeat(50));
        assert_eq!(fast(&long), reference(&long));
    }
}
