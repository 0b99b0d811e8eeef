//! YAML reading with errors that name the file, line and key.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Location, Problem};

/// Parses `text` (read from `path`) into `T`, reporting the position of the first error.
pub fn from_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, Problem> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let mut location = Location::file(path);
        if let Some(pos) = e.location() {
            location = location.row(pos.line());
        }
        let message = e.to_string();
        // serde_yaml_ng appends " at line N column M"; the location already says it.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let hint = if message.contains("unknown field") {
            "remove the key or correct its spelling (the accepted keys are listed above)"
        } else if message.contains("missing field") {
            "add the key; docs/data-formats.md lists every required key"
        } else {
            "see docs/data-formats.md for the expected layout"
        };
        Problem::data(location, format!("invalid YAML: {message}")).with_hint(hint)
    })
}
