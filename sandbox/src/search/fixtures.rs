//! Cisco's Search material beside the workspace (`../shared/reference/search-samples`), read by
//! tests. On a clone without it the tests say so and pass; with `WXCC_REQUIRE_FIXTURES` set (as
//! `.ci/run` does) its absence fails them.

use std::path::PathBuf;

/// The folder `sub` of the samples, or `None` (with a note) when the material is absent.
pub(crate) fn dir(sub: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/reference/search-samples")
        .join(sub);
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var_os("WXCC_REQUIRE_FIXTURES").is_none(),
        "{} is missing and WXCC_REQUIRE_FIXTURES is set",
        root.display()
    );
    eprintln!("note: {} not found; test skipped", root.display());
    None
}
