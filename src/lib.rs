//! Inspection reports: scored case exports in, published PDF reports out.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`discover`] walks `data/` for frameworks, inspections and aggregate definitions;
//! 2. [`framework`] loads inspection frameworks (questions, scores, rating rules) from YAML;
//! 3. [`ingest`] reads each case export into a validated [`ingest::CaseTable`];
//! 4. [`aggregate`] computes every figure with Polars (pure: tables in, figures out);
//! 5. [`render`] turns figures into the report model and its text (MiniJinja), [`charts`]
//!    draws the charts as SVG with Plotters;
//! 6. [`typeset`] compiles the Typst templates with the model as JSON data in one warm engine;
//! 7. [`publish`] is the only code that writes to `output/`, atomically.
//!
//! [`project`] ties the stages together for the `build` and `check` commands; [`preview`] is
//! the live preview server of `serve`.

pub mod aggregate;
pub mod charts;
pub mod colour;
pub mod date;
pub mod discover;
pub mod error;
pub mod framework;
pub mod ids;
pub mod ingest;
pub mod inspection;
pub mod preview;
pub mod project;
pub mod publish;
pub mod publisher;
pub mod record;
pub mod render;
pub mod stats;
pub mod typeset;
mod yaml;
