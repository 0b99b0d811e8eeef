//! The only code that writes to the output folder. Every file is written to a temporary file
//! beside its destination and renamed into place, so a build killed at any moment leaves each
//! output either the old whole file or the new whole file. A lock keeps two builds apart.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{Location, Problem};

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, renamed
/// over the destination (`tempfile`'s persist), then the folder synced so that the rename
/// itself survives a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Problem> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Problem::io(dir, "create the output folder", &e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let fail = |e: std::io::Error| Problem::io(path, "write the output", &e);
    // The prefix marks it as ours: a killed build's leftovers are removed by the next one.
    let prefix = format!(".{name}.tmp-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // Readable as any file the user writes (0644 less the umask), not tempfile's private 0600:
    // published reports are read by others.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    sync_dir(dir).map_err(|e| Problem::io(dir, "sync the output folder", &e))
}

/// [`write_atomic`], unless the file already holds exactly `bytes`: then it is not touched (its
/// modification time stays), so a rebuild that changes nothing changes no file.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), Problem> {
    match fs::read(path) {
        Ok(old) if old == bytes => Ok(()),
        _ => write_atomic(path, bytes),
    }
}

/// Makes a rename in `dir` durable (on Unix, fsync of the folder; elsewhere nothing to do).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// An exclusive lock on an output folder: an advisory lock on `.build.lock`
/// (`File::try_lock`), held while this value lives. The operating system releases it when the
/// process ends, however it ends, so a killed build never leaves a stale lock.
#[derive(Debug)]
pub struct OutputLock {
    _files: Vec<File>,
}

impl OutputLock {
    /// Takes the lock, or says which process holds it.
    pub fn acquire(output: &Path) -> Result<OutputLock, Problem> {
        Ok(OutputLock { _files: vec![Self::acquire_file(output, ".build.lock", true, false)?] })
    }

    /// The locks of one shard (`--shard k/n`): the folder's lock shared with the other shards
    /// (so no whole build or `merge-records` runs beside them) and its own part's lock held
    /// alone (so one part never runs twice). A shard leaves the temporary files of a killed run
    /// to the next whole build, since another shard's may be in flight.
    pub fn acquire_shard(output: &Path, index: usize, count: usize) -> Result<OutputLock, Problem> {
        let folder = Self::acquire_file(output, ".build.lock", false, true)?;
        let part = Self::acquire_file(output, &format!(".build-shard-{}-of-{count}.lock", index + 1), false, false)?;
        Ok(OutputLock { _files: vec![folder, part] })
    }

    fn acquire_file(output: &Path, name: &str, clean: bool, shared: bool) -> Result<File, Problem> {
        fs::create_dir_all(output).map_err(|e| Problem::io(output, "create the output folder", &e))?;
        let path = output.join(name);
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(|e| Problem::io(&path, "open the lock file", &e))?;
        match if shared { file.try_lock_shared() } else { file.try_lock() } {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                let who = if holder.is_empty() { String::from("another build") } else { format!("another build (process {holder})") };
                return Err(Problem::internal(Location::file(&path), format!("{who} is writing to this output folder"))
                    .with_hint("wait for it to finish, or use another --output folder"));
            }
            Err(fs::TryLockError::Error(e)) => return Err(Problem::io(&path, "lock the output folder", &e)),
        }
        // The holder's process id, for the message a second build prints (not on a lock the
        // shards share).
        if !shared {
            let _ = file.set_len(0).and_then(|()| write!(file, "{}", std::process::id())).and_then(|()| file.flush());
        }
        if clean {
            remove_stale_temporaries(output);
        }
        Ok(file)
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

    #[cfg(unix)]
    #[test]
    fn outputs_are_readable_by_others_as_the_umask_allows() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.pdf");
        write_atomic(&path, b"pdf").unwrap();
        // The same mode as any file the user creates (0666 less the umask, as `File::create`
        // makes it), less the write bits for others: not tempfile's private 0600.
        let plain = dir.path().join("plain");
        File::create(&plain).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&plain) & 0o644, "written {:o}, a plain file {:o}", mode(&path), mode(&plain));
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

    #[test]
    fn a_lock_file_left_behind_does_not_block() {
        // A killed build leaves the file but not the lock: the system released it.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".build.lock"), "999999").unwrap();
        OutputLock::acquire(dir.path()).unwrap();
    }
}
