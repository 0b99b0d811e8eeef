//! YAML reading with errors that name the file, line and key.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Location, Problem};

/// Parses `text` (read from `path`) into `T`, reporting the position of the first error.
pub fn from_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, Problem> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let mut location = Location::file(path);
        let message = e.to_string();
        if let Some(pos) = e.location() {
            location = location.row(pos.line());
        }
        // Errors raised by a value's own check (a date that does not exist) carry no position:
        // find the line holding the offending value.
        if e.location().is_none_or(|p| p.line() <= 1) {
            if let Some(value) = message.split('`').nth(1) {
                if let Some(line) = text.lines().position(|l| l.contains(value)) {
                    location = Location::file(path).row(line + 1);
                }
            }
        }
        // serde_yaml_ng appends " at line N column M"; the location already says it.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let hint = if let Some((unknown, expected)) = unknown_field(&message) {
            match crate::error::did_you_mean(&unknown, expected.iter().map(String::as_str)) {
                Some(k) => format!("did you mean `{k}`?"),
                None => "remove the key or correct its spelling (the accepted keys are listed above)".into(),
            }
        } else if message.contains("missing field") {
            "add the key; docs/data-formats.md lists every required key".into()
        } else {
            "see docs/data-formats.md for the expected layout".into()
        };
        Problem::data(location, format!("invalid YAML: {message}")).with_hint(hint)
    })
}

/// From "unknown field `x`, expected one of `a`, `b`": the unknown key and the accepted ones.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.split("unknown field `").nth(1)?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((unknown.to_string(), expected))
}
