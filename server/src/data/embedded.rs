//! The embedded curated code data, compiled in from `server/data/*.toml`.

use super::CodeSet;

pub fn load() -> CodeSet {
    CodeSet::default()
}
