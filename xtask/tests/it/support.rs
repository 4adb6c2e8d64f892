//! What several test groups share.

use std::path::PathBuf;

/// An empty folder of this process for one test: `<temp>/xtask-<group>-<name>-<pid>`, emptied
/// first so that a folder a killed run left behind does not leak into this one.
pub fn temp(group: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-{group}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
