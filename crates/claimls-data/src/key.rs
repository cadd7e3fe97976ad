//! Lookup keys built on the stack.
//!
//! Every lookup of a code, modifier or diagnosis first writes the text as the data files it (capitals;
//! an ICD-10-CM code without its dot). Those copies were about 15 of the 175 heap allocations a claim
//! of `check` (DHAT over 2,000 generated claims), for keys that are all a few bytes long. A
//! [`Key`] keeps a short key in place; a longer text (a pasted sentence) is copied to the heap, so
//! nothing is ever cut.

use arrayvec::ArrayString;

/// Keys up to this many bytes live on the stack: every HCPCS, CPT, modifier and ICD-10-CM code does.
const INLINE: usize = 24;

/// A lookup key: the text mapped character by character, on the stack when it is short.
pub enum Key {
    Inline(ArrayString<INLINE>),
    Heap(String),
}

impl Key {
    /// `text` in ASCII capitals (as [`str::to_ascii_uppercase`]).
    pub fn upper(text: &str) -> Key {
        Key::mapped(text, |c| Some(c.to_ascii_uppercase()))
    }

    /// `text` in ASCII lower case (as [`str::to_ascii_lowercase`]).
    pub fn lower(text: &str) -> Key {
        Key::mapped(text, |c| Some(c.to_ascii_lowercase()))
    }

    /// An ICD-10-CM code as the data files it (as [`crate::icd10_key`]): capitals, no dot.
    pub fn icd10(text: &str) -> Key {
        Key::mapped(text, |c| (c != '.').then(|| c.to_ascii_uppercase()))
    }

    fn mapped(text: &str, map: impl Fn(char) -> Option<char>) -> Key {
        let mut key = ArrayString::<INLINE>::new();
        for c in text.chars().filter_map(&map) {
            if key.try_push(c).is_err() {
                return Key::Heap(text.chars().filter_map(map).collect());
            }
        }
        Key::Inline(key)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Key::Inline(s) => s,
            Key::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Key {}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn a_key_is_the_text_mapped_whatever_its_length() {
        for text in ["j2350", "G35.a", "", "ü-é", &"k50.90 ".repeat(20)] {
            assert_eq!(&*Key::upper(text), text.to_ascii_uppercase());
            assert_eq!(&*Key::lower(text), text.to_ascii_lowercase());
            let undotted: String = text.split('.').collect();
            assert_eq!(&*Key::icd10(text), undotted.to_ascii_uppercase());
        }
        assert_eq!(&*Key::icd10("k50.90"), "K5090");
        assert!(matches!(Key::upper("J2350"), Key::Inline(_)));
        assert!(matches!(Key::upper(&"J".repeat(25)), Key::Heap(_)));
    }
}
