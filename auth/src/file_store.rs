//! A token store in one JSON file, safe against crashes and shared between processes.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::store::{Entry, StoreFuture, StoreLock, StoredTokens, TokenStore};

/// Written into every store file; a file without it is not ours and is never overwritten.
const FORMAT: &str = "wxcc-auth token store";
/// The on-disk version this code reads and writes.
const VERSION: u32 = 1;

/// Tokens persisted in one JSON file, keyed by source name.
///
/// - Every save writes a temporary file next to the store, flushes it to disk and renames it
///   over the old one, so a crash leaves either the old or the new document, never half of one.
///   Temporary files a crash left behind (they hold tokens) are removed when a `FileStore` is
///   first used: only files of its own naming pattern (`.<file name>.tmp-<pid>-<32 hex
///   digits>`), and only while holding the lock every writer holds, so no write in progress
///   loses its file.
/// - On unix the file is created with mode `0600`.
/// - A file that is not a store this crate wrote (corrupt, foreign, newer version) gives
///   [`Error::StoreCorrupt`] and is left untouched.
/// - [`TokenStore::lock`] takes an exclusive OS file lock per entry, so processes sharing the
///   file refresh one at a time and never spend the same refresh token twice.
///
/// ```no_run
/// use wxcc_auth::FileStore;
///
/// let store = FileStore::new("/var/lib/my-bot/wxcc-tokens.json");
/// ```
#[derive(Clone)]
pub struct FileStore {
    path: PathBuf,
    /// Serializes read-modify-write cycles of this process; other processes are kept out by
    /// the document lock file.
    writing: Arc<Mutex<()>>,
    /// Whether this store (and its clones) looked for temporary files a crash left.
    swept: Arc<AtomicBool>,
}

#[derive(Serialize, Deserialize)]
struct Document {
    format: String,
    version: u32,
    #[serde(default)]
    entries: BTreeMap<String, Entry>,
}

impl FileStore {
    /// A store at `path`. Nothing is read or created until first use.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            writing: Arc::default(),
            swept: Arc::default(),
        }
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, message: impl fmt::Display) -> Error {
        Error::Store {
            path: Some(self.path.clone()),
            message: message.to_string(),
        }
    }

    fn corrupt(&self, reason: impl Into<String>) -> Error {
        Error::StoreCorrupt {
            path: self.path.clone(),
            reason: reason.into(),
        }
    }

    /// Reads the document; a missing file is an empty store.
    fn read(&self) -> Result<Document, Error> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Document {
                    format: FORMAT.into(),
                    version: VERSION,
                    entries: BTreeMap::new(),
                });
            }
            Err(e) => return Err(self.error(format!("cannot read: {e}"))),
        };
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| self.corrupt(format!("not JSON ({e})")))?;
        if value.get("format").and_then(serde_json::Value::as_str) != Some(FORMAT) {
            return Err(self.corrupt(format!("no `\"format\": \"{FORMAT}\"` field")));
        }
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(VERSION)) {
            return Err(self.corrupt(format!(
                "format version {} is not {VERSION}; it was written by another version of wxcc-auth",
                version.map_or_else(|| "missing".into(), |v| v.to_string())
            )));
        }
        serde_json::from_value(value).map_err(|e| self.corrupt(format!("unreadable entries ({e})")))
    }

    /// Writes the document atomically: temporary file, fsync, rename, fsync of the folder.
    fn write(&self, document: &Document) -> Result<(), Error> {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)
            .map_err(|e| self.error(format!("cannot create {}: {e}", dir.display())))?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(
            ".{name}.tmp-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let json = serde_json::to_vec_pretty(document).map_err(|e| self.error(e))?;
        let result = (|| {
            let mut file = private_file(&temp, true)?;
            file.write_all(&json)?;
            file.sync_all()?;
            std::fs::rename(&temp, &self.path)?;
            #[cfg(unix)]
            File::open(&dir)?.sync_all()?;
            Ok::<_, std::io::Error>(())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temp);
            return Err(self.error(format!("cannot write: {e}")));
        }
        Ok(())
    }

    fn update(&self, change: impl FnOnce(&mut BTreeMap<String, Entry>)) -> Result<(), Error> {
        let _in_process = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let lock_path = self.lock_path(None);
        let _across_processes = exclusive_lock(&lock_path)
            .map_err(|e| self.error(format!("cannot lock {}: {e}", lock_path.display())))?;
        let mut document = self.read()?;
        change(&mut document.entries);
        self.write(&document)
    }

    /// The folder of the store file.
    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The temporary files of [`FileStore::write`] in the store's folder: `.<name>.tmp-`,
    /// decimal digits (a process id), `-`, then 32 lower-case hex digits (a simple UUID).
    fn temporary_files(&self) -> Vec<PathBuf> {
        let Some(name) = self.path.file_name().and_then(|n| n.to_str()) else {
            return Vec::new();
        };
        let prefix = format!(".{name}.tmp-");
        let Ok(listing) = std::fs::read_dir(self.dir()) else {
            return Vec::new();
        };
        listing
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .filter(|entry| {
                entry.file_name().to_str().is_some_and(|file| {
                    let Some((pid, id)) =
                        file.strip_prefix(&prefix).and_then(|r| r.split_once('-'))
                    else {
                        return false;
                    };
                    !pid.is_empty()
                        && pid.bytes().all(|b| b.is_ascii_digit())
                        && id.len() == 32
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                })
            })
            .map(|entry| entry.path())
            .collect()
    }

    /// Removes temporary files a crashed write left behind, once per store. Writers hold the
    /// document lock from creating their temporary file to renaming it, so any such file found
    /// under that lock belongs to a write that died. Failures only mean the files stay.
    fn sweep(&self) {
        if self.swept.swap(true, AtomicOrdering::SeqCst) || self.temporary_files().is_empty() {
            return;
        }
        let lock_path = self.lock_path(None);
        let Ok(_lock) = exclusive_lock(&lock_path) else {
            return;
        };
        for file in self.temporary_files() {
            match std::fs::remove_file(&file) {
                Ok(()) => {
                    tracing::info!(file = %file.display(), "removed a temporary token store file a crash left")
                }
                Err(e) => {
                    tracing::debug!(file = %file.display(), error = %e, "could not remove a stale temporary file")
                }
            }
        }
    }

    /// `<store>.lock` for the document, `<store>.<hash of key>.lock` for one entry.
    fn lock_path(&self, key: Option<&str>) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        if let Some(key) = key {
            let digest = Sha256::digest(key.as_bytes());
            let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            name.push(format!(".{hex}"));
        }
        name.push(".lock");
        self.path.with_file_name(name)
    }
}

fn private_file(path: &Path, truncate: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn exclusive_lock(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = private_file(path, false)?;
    fs4::FileExt::lock(&file)?;
    Ok(file)
}

async fn blocking<T: Send + 'static>(
    store: &FileStore,
    work: impl FnOnce(FileStore) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let owned = store.clone();
    tokio::task::spawn_blocking(move || {
        owned.sweep();
        work(owned)
    })
    .await
    .map_err(|e| store.error(format!("background task failed: {e}")))?
}

impl TokenStore for FileStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredTokens>> {
        let key = key.to_owned();
        Box::pin(blocking(self, move |store| {
            Ok(store.read()?.entries.remove(&key).map(StoredTokens::from))
        }))
    }

    fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> StoreFuture<'a, ()> {
        let key = key.to_owned();
        let entry = Entry::from(&tokens);
        Box::pin(blocking(self, move |store| {
            store.update(|entries| {
                entries.insert(key, entry);
            })
        }))
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        let key = key.to_owned();
        Box::pin(blocking(self, move |store| {
            store.update(|entries| {
                entries.remove(&key);
            })
        }))
    }

    fn lock<'a>(&'a self, key: &'a str) -> StoreFuture<'a, StoreLock> {
        let path = self.lock_path(Some(key));
        Box::pin(blocking(self, move |store| {
            let file = exclusive_lock(&path)
                .map_err(|e| store.error(format!("cannot lock {}: {e}", path.display())))?;
            Ok(StoreLock::new(file))
        }))
    }
}

impl fmt::Debug for FileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .finish()
    }
}
