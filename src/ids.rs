//! The identifiers that become parts of output paths (framework ids, inspection ids, aggregate
//! ids, periods) are restricted to a safe pattern before they are used, so that no input can
//! place a file outside the output folder or over another report.

use std::path::{Component, Path, PathBuf};

use crate::error::{Location, Problem};

/// What every id and period must look like, for messages.
pub const HINT: &str = "use 1 to 100 letters, digits, `-`, `_` or `.`, starting with a letter or digit (such as `cumbria`, `omi2`, `2011-12`)";

/// `Ok` when `id` is safe as one path segment on every system; otherwise why not.
pub fn check(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("is empty");
    }
    if id.len() > 100 {
        return Err("is longer than 100 characters");
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("must start with a letter or digit");
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err("may hold only letters, digits, `-`, `_` and `.`");
    }
    if id.contains("..") {
        return Err("may not hold `..`");
    }
    // Names Windows keeps for devices, with or without an extension.
    let base = id.split('.').next().unwrap_or(id).to_ascii_uppercase();
    let device = matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (base.len() == 4 && (base.starts_with("COM") || base.starts_with("LPT")) && base.ends_with(|c: char| c.is_ascii_digit()));
    if device {
        return Err("is a name Windows keeps for a device");
    }
    // The names a correction gives the versions it keeps.
    if id.contains(".superseded-") {
        return Err("may not hold `.superseded-` (the name of a kept earlier version)");
    }
    Ok(())
}

/// `output` joined with `parts`, each checked, and the result checked to lie inside `output`:
/// the one way an output path is made.
pub fn output_path(output: &Path, parts: &[&str], file: &str) -> Result<PathBuf, Problem> {
    let mut path = output.to_path_buf();
    for p in parts.iter().chain(std::iter::once(&file)) {
        let stem = p.strip_suffix(".pdf").unwrap_or(p);
        check(stem).map_err(|why| Problem::internal(Location::file(output), format!("output path segment `{p}` {why}")).with_hint(HINT))?;
        path.push(p);
    }
    let inside = path.strip_prefix(output).is_ok_and(|rest| rest.components().all(|c| matches!(c, Component::Normal(_))));
    if !inside {
        return Err(Problem::internal(Location::file(&path), "an output would be written outside the output folder").with_hint(HINT));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_ids_pass_and_path_tricks_do_not() {
        for ok in ["cumbria", "omi2", "2011-12", "brackley-and-fenwick", "cci-2011-12", "A_1.b"] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "..",
            "../../escape",
            "/etc",
            "a/b",
            "a\\b",
            ".hidden",
            "-x",
            "a..b",
            "caf\u{e9}",
            "a b",
            "C:",
            &"x".repeat(101),
            "con",
            "NUL.txt",
            "com1",
            "lancashire.superseded-2012-09-14",
        ] {
            assert!(check(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn output_paths_stay_inside() {
        let out = Path::new("/tmp/out");
        assert_eq!(output_path(out, &["omi2", "2011-12"], "cumbria.pdf").unwrap(), Path::new("/tmp/out/omi2/2011-12/cumbria.pdf"));
        assert!(output_path(out, &["omi2", "../.."], "x.pdf").is_err());
        assert!(output_path(out, &["/etc"], "x.pdf").is_err());
    }
}
