//! A hash that stays the same across Rust versions and machines (unlike `DefaultHasher`), for
//! names that end up in the output: fingerprinted asset and index file names.

/// FNV-1a, 64 bits.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
