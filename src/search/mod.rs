//! Full-text search built at build time into static shards, queried in the reader's browser.

pub mod html_text;
pub mod index;
pub mod segment;
pub mod text;
mod word_table;
