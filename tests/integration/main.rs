//! The integration tests, in one test binary (the layout ripgrep and mdBook use): Typst and
//! Polars are linked once, not once per test file. Each module is one area of behaviour;
//! `common` holds the helpers they share.
//!
//! `cargo test --release --test integration <module>::` runs one module.

mod common;

mod accessibility;
mod annexe;
mod broken_inputs;
mod cli;
mod comparators;
mod draft;
mod end_to_end;
mod filtered;
mod fixtures;
mod fuzz_readers;
mod html_edition;
mod ingest;
mod injection;
mod layout;
mod plan;
mod preview;
mod processes;
mod programmes;
mod properties;
mod regenerate;
mod sample_generator;
mod scoring;
mod shards;
mod soft_fail;
mod uncertainty;
mod webdriver;
mod whole_data;
