//! The only code that writes to the output folder. Every file is written to a temporary file
//! beside its destination and renamed into place, so a build killed at any moment leaves each
//! output either the old whole file or the new whole file. A lock keeps two builds apart.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Location, Problem};

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Problem> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Problem::io(dir, "create the output folder", &e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Problem::io(path, "write the output", &e)
    })
}

/// An exclusive lock on an output folder, released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock, or says which process holds it. A lock left by a process that no longer
    /// runs is taken over.
    pub fn acquire(output: &Path) -> Result<OutputLock, Problem> {
        fs::create_dir_all(output).map_err(|e| Problem::io(output, "create the output folder", &e))?;
        let path = output.join(".build.lock");
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = write!(f, "{}", std::process::id());
                    remove_stale_temporaries(output);
                    return Ok(OutputLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let alive = holder.trim().parse::<u32>().ok().is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
                    if alive || !Path::new("/proc/self").exists() {
                        return Err(Problem::internal(Location::file(&path), format!("another build (process {}) is writing to this output folder", holder.trim()))
                            .with_hint("wait for it to finish; if no build is running, delete the lock file"));
                    }
                    let _ = fs::remove_file(&path);
                }
                Err(e) => return Err(Problem::io(&path, "create the lock file", &e)),
            }
        }
        Err(Problem::internal(Location::file(&path), "could not take the output lock"))
    }
}

/// Removes temporary files a killed build left behind; only called while holding the lock, so
/// no other build is writing them.
fn remove_stale_temporaries(output: &Path) {
    for entry in walkdir::WalkDir::new(output).into_iter().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.starts_with('.') && name.contains(".tmp-") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/report.pdf");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new whole file").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new whole file");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path()).unwrap();
        let err = OutputLock::acquire(dir.path()).unwrap_err();
        assert!(err.message.contains("another build"), "{err}");
        drop(first);
        OutputLock::acquire(dir.path()).unwrap();
    }
}
