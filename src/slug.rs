//! Russian URL transliteration: «Социальная защита» → `sotsialnaya-zashchita`.
//!
//! The rules follow the common Russian URL practice (close to GOST 7.79-2000 system B without
//! apostrophes): ь and ъ vanish instead of becoming a hyphen, so slugs read like the words.

/// Turns any text into a URL slug of lowercase ASCII letters, digits and single hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        let piece: &str = match ch {
            'a'..='z' | '0'..='9' => {
                push_piece(&mut slug, &mut pending_hyphen, ch.encode_utf8(&mut [0; 4]));
                continue;
            }
            'ь' | 'ъ' => continue,
            // Apostrophes inside words («д'Артаньян», "don't") join rather than split.
            '\'' | '’' | 'ʼ' => continue,
            _ => match transliterate_char(ch) {
                Some(latin) => latin,
                None => {
                    pending_hyphen = !slug.is_empty();
                    continue;
                }
            },
        };
        push_piece(&mut slug, &mut pending_hyphen, piece);
    }
    slug
}

fn push_piece(slug: &mut String, pending_hyphen: &mut bool, piece: &str) {
    if *pending_hyphen {
        slug.push('-');
        *pending_hyphen = false;
    }
    slug.push_str(piece);
}

/// The Latin spelling of one lowercase letter, for Cyrillic and common accented Latin letters.
fn transliterate_char(ch: char) -> Option<&'static str> {
    Some(match ch {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn russian_names_transliterate_without_stray_hyphens() {
        assert_eq!(slugify("Тамбовская область"), "tambovskaya-oblast");
        assert_eq!(slugify("Социальная защита"), "sotsialnaya-zashchita");
        assert_eq!(slugify("Подъём семьи"), "podem-semi");
        assert_eq!(slugify("Хабаровский край"), "khabarovskiy-kray");
        assert_eq!(
            slugify("Чувашская Республика — Чувашия"),
            "chuvashskaya-respublika-chuvashiya"
        );
        assert_eq!(slugify("Жильё, щи и юла"), "zhile-shchi-i-yula");
    }

    #[test]
    fn punctuation_and_edges_collapse() {
        assert_eq!(slugify("  «Семья» — 2024!  "), "semya-2024");
        assert_eq!(slugify("442-ФЗ"), "442-fz");
        assert_eq!(slugify("Don't panic"), "dont-panic");
        assert_eq!(slugify("—"), "");
    }
}
