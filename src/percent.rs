//! Percent-decoding of URL paths, shared by link resolution in Markdown (lenient) and the dev
//! server (strict).

/// Decodes `%XX` escapes into bytes. The flag tells whether every `%` began a valid escape;
/// an invalid one is kept as written.
pub fn decode(input: &str) -> (Vec<u8>, bool) {
    let bytes = input.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut valid = true;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let digits = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            );
            if let (Some(high), Some(low)) = digits {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
            valid = false;
        }
        out.push(bytes[i]);
        i += 1;
    }
    (out, valid)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_escapes_and_flags_broken_ones() {
        assert_eq!(decode("%D0%B0%20b"), ("а b".as_bytes().to_vec(), true));
        assert_eq!(decode("%1в"), ("%1в".as_bytes().to_vec(), false));
        assert_eq!(decode("100%"), (b"100%".to_vec(), false));
        assert_eq!(decode("%2e%2E"), (b"..".to_vec(), true));
    }
}
