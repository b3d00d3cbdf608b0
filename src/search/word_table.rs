//! Word as written → term id, the lookup the index makes for every word of every practice
//! (~12 million at 10 000 practices).
//!
//! With a general hash map (`FxHashMap<Box<str>, _>`) each lookup hashed the word byte by
//! byte, then called `memcmp` against a key in a separate allocation. Nearly every word of a
//! practice is at most [`INLINE`] bytes long (at most 16 Cyrillic letters), so such words are
//! keyed here by their bytes themselves, zero-padded into four machine words read straight
//! out of the text: hashing is five multiplications, and comparing a slot is one 32-byte
//! comparison, all in the slot itself. Longer words go to an ordinary map. Measured against
//! that map, with the rest of the index as it is now: the index alone 0.956 × (BENCHMARKS.md,
//! session 9); peak memory unchanged at 10 000 and 100 000 practices.

use rustc_hash::FxHashMap;

/// The longest word, in bytes, keyed inline.
const INLINE: usize = 32;

/// The id of a function word (one with no term) in a slot.
const NO_TERM: u32 = u32::MAX;

/// `MASKS[n]` keeps the first `n` bytes of four little-endian machine words.
const MASKS: [[u64; 4]; INLINE + 1] = {
    let mut masks = [[0u64; 4]; INLINE + 1];
    let mut n = 0;
    while n <= INLINE {
        let mut i = 0;
        while i < 4 {
            let keep = n.saturating_sub(8 * i);
            masks[n][i] = if keep >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * keep)) - 1
            };
            i += 1;
        }
        n += 1;
    }
    masks
};

/// A word of at most [`INLINE`] bytes as a table key: its bytes, zero-padded, its length and
/// its hash.
#[derive(Clone, Copy, Debug)]
pub(super) struct WordKey {
    bytes: [u64; 4],
    len: u32,
    hash: u64,
}

impl WordKey {
    /// The key of `word`, a slice of `text`; `None` for a word longer than [`INLINE`] bytes
    /// (or empty: an empty key would look like an empty slot).
    ///
    /// The bytes are read as whole machine words from `text` when it has [`INLINE`] bytes
    /// from the word's start (nearly always), so no per-word copy is made. A word near the
    /// end of `text`, or not a slice of it at all, is copied instead: its range is then out
    /// of `text`'s bounds.
    #[inline]
    pub(super) fn within(text: &str, word: &str) -> Option<WordKey> {
        let len = word.len();
        if len == 0 || len > INLINE {
            return None;
        }
        let offset = (word.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let window = text.as_bytes().get(offset..offset.wrapping_add(INLINE));
        let bytes = match window {
            Some(window) => load(window),
            None => {
                let mut padded = [0u8; INLINE];
                padded[..len].copy_from_slice(word.as_bytes());
                load(&padded)
            }
        };
        let mask = MASKS[len];
        let bytes = [
            bytes[0] & mask[0],
            bytes[1] & mask[1],
            bytes[2] & mask[2],
            bytes[3] & mask[3],
        ];
        Some(WordKey {
            bytes,
            len: len as u32,
            hash: hash(bytes, len as u64),
        })
    }
}

/// The first [`INLINE`] bytes of `window` as four little-endian machine words.
#[inline]
fn load(window: &[u8]) -> [u64; 4] {
    let word = |i: usize| {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&window[8 * i..8 * i + 8]);
        u64::from_le_bytes(chunk)
    };
    [word(0), word(1), word(2), word(3)]
}

/// Mixes the four machine words independently (so the multiplications overlap), then
/// folds; the table uses the top bits.
#[inline]
fn hash(bytes: [u64; 4], len: u64) -> u64 {
    let a = (bytes[0] ^ len).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let b = bytes[1].wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    let c = bytes[2].wrapping_mul(0x1656_67B1_9E37_79F9);
    let d = bytes[3].wrapping_mul(0xD6E8_FEB8_6659_FD93);
    let h = a ^ b.rotate_left(19) ^ c.rotate_left(37) ^ d.rotate_left(53);
    (h ^ (h >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// One slot of the open-addressing table; `len == 0` marks it empty (words are never empty).
#[derive(Clone, Copy, Default)]
struct Slot {
    bytes: [u64; 4],
    len: u32,
    id: u32,
}

/// Words as written → their term ids (`None` for a function word).
#[derive(Default)]
pub(super) struct WordTable {
    /// Linear probing; a power of two long, at most half full.
    slots: Vec<Slot>,
    /// How many slots are taken.
    taken: usize,
    /// Words longer than [`INLINE`] bytes.
    long: FxHashMap<Box<str>, Option<u32>>,
}

impl WordTable {
    /// The term id of a word, `Some(None)` for a function word, `None` if it is not here.
    /// `key` is the word's key when it has one ([`WordKey::within`]).
    #[inline]
    pub(super) fn get(&self, key: Option<&WordKey>, word: &str) -> Option<Option<u32>> {
        let Some(key) = key else {
            return self.long.get(word).copied();
        };
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.start(key);
        loop {
            let slot = &self.slots[at];
            if slot.len == key.len && slot.bytes == key.bytes {
                return Some((slot.id != NO_TERM).then_some(slot.id));
            }
            if slot.len == 0 {
                return None;
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds a word that is not here yet.
    pub(super) fn insert(&mut self, key: Option<&WordKey>, word: &str, id: Option<u32>) {
        let Some(key) = key else {
            self.long.insert(word.into(), id);
            return;
        };
        // Term ids count the library's terms, far below `u32::MAX`.
        debug_assert!(id != Some(NO_TERM), "term ids stay below u32::MAX");
        if 2 * (self.taken + 1) > self.slots.len() {
            self.grow();
        }
        self.place(Slot {
            bytes: key.bytes,
            len: key.len,
            id: id.unwrap_or(NO_TERM),
        });
        self.taken += 1;
    }

    /// How many words are here.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.taken + self.long.len()
    }

    /// The first slot to probe for a key.
    #[inline]
    fn start(&self, key: &WordKey) -> usize {
        let bits = self.slots.len().trailing_zeros();
        // `bits` is at least 4 (see `grow`), so the shift is below 64.
        (key.hash >> (64 - bits)) as usize
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let key = WordKey {
            bytes: slot.bytes,
            len: slot.len,
            hash: hash(slot.bytes, u64::from(slot.len)),
        };
        let mut at = self.start(&key);
        while self.slots[at].len != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        for slot in old.into_iter().filter(|slot| slot.len != 0) {
            self.place(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(word: &str) -> Option<WordKey> {
        WordKey::within(word, word)
    }

    #[test]
    fn masks_keep_exactly_the_first_bytes() {
        for n in 0..=INLINE {
            let bytes: Vec<u8> = MASKS[n].iter().flat_map(|m| m.to_le_bytes()).collect();
            assert!(bytes[..n].iter().all(|&b| b == 0xFF), "{n}");
            assert!(bytes[n..].iter().all(|&b| b == 0), "{n}");
        }
    }

    #[test]
    fn a_word_read_from_its_text_has_the_key_of_the_word_alone() {
        let text = "Совет по качеству жизни, 442-ФЗ; социально-экономического развития";
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let inside = WordKey::within(text, word);
            let alone = key(word);
            assert_eq!(inside.is_some(), alone.is_some(), "{word}");
            if let (Some(inside), Some(alone)) = (inside, alone) {
                assert_eq!(inside.bytes, alone.bytes, "{word}");
                assert_eq!(inside.hash, alone.hash, "{word}");
            }
        }
    }

    #[test]
    fn words_longer_than_the_inline_limit_or_empty_have_no_key() {
        assert!(key(&"я".repeat(INLINE / 2)).is_some());
        assert!(key(&"я".repeat(INLINE / 2 + 1)).is_none());
        assert!(key("").is_none());
        let mut table = WordTable::default();
        table.insert(key("слово").as_ref(), "слово", Some(1));
        assert_eq!(table.get(None, ""), None);
        table.insert(None, "", Some(2));
        assert_eq!(table.get(key("").as_ref(), ""), Some(Some(2)));
        assert_eq!(table.get(key("слово").as_ref(), "слово"), Some(Some(1)));
    }

    #[test]
    fn a_word_at_the_end_of_its_text_or_outside_it_is_read_alone() {
        let text = "в конце текста слово";
        let last = &text[text.len() - "слово".len()..];
        let elsewhere = String::from("слово");
        let expected = key("слово").unwrap();
        for (text, word) in [(text, last), (text, elsewhere.as_str())] {
            let got = WordKey::within(text, word).unwrap();
            assert_eq!(
                (got.bytes, got.len, got.hash),
                (expected.bytes, expected.len, expected.hash)
            );
        }
    }

    #[test]
    fn the_table_finds_what_it_was_given_and_nothing_else() {
        // Words that differ only past a machine word, only in length, and in every length
        // up to beyond the inline limit, plus function words (no term).
        let mut words: Vec<String> = Vec::new();
        for n in 1..=40 {
            words.push("ж".repeat(n));
            words.push(format!("{}a", "b".repeat(n)));
            words.push(format!("{}b", "b".repeat(n)));
        }
        for n in 0..3000 {
            words.push(format!("слово{n}"));
        }
        let mut table = WordTable::default();
        let mut expected = FxHashMap::default();
        for (n, word) in words.iter().enumerate() {
            let id = (n % 7 != 0).then_some(n as u32);
            let k = key(word);
            assert_eq!(table.get(k.as_ref(), word), None, "{word} before insert");
            table.insert(k.as_ref(), word, id);
            expected.insert(word.clone(), id);
        }
        assert_eq!(table.len(), expected.len());
        for (word, id) in &expected {
            assert_eq!(table.get(key(word).as_ref(), word), Some(*id), "{word}");
        }
        for absent in ["жж ", "b", "слово3000", "словоx", &"ж".repeat(41)] {
            assert_eq!(table.get(key(absent).as_ref(), absent), None, "{absent}");
        }
    }
}
