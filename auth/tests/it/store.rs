//! Token stores: round trips, crash safety, refusal to overwrite foreign files, permissions,
//! and locking between processes sharing a file.

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use wxcc_auth::{
    Error, ExposeSecret, FileStore, MemoryStore, SecretString, StoredTokens, TokenStore,
};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "wxcc-auth-store-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tokens(access: &str, refresh: &str) -> StoredTokens {
    StoredTokens {
        access_token: Some(SecretString::from(access)),
        access_expires_at: Some(Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()),
        refresh_token: Some(SecretString::from(refresh)),
        refresh_expires_at: Some(Utc.with_ymd_and_hms(2027, 1, 20, 12, 0, 0).unwrap()),
        scopes: vec!["cjp:config_read".into()],
        fingerprint: Some("fp".into()),
        updated_at: Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap(),
    }
}

fn refresh_of(t: &StoredTokens) -> String {
    t.refresh_token.as_ref().unwrap().expose_secret().to_owned()
}

#[tokio::test]
async fn entries_round_trip_in_both_stores_and_debug_hides_tokens() {
    let dir = temp_dir("roundtrip");
    let stores: Vec<Box<dyn TokenStore>> = vec![
        Box::new(MemoryStore::new()),
        Box::new(FileStore::new(dir.join("t.json"))),
    ];
    for store in stores {
        assert!(store.load("a").await.unwrap().is_none());
        store.save("a", tokens("acc-1", "ref-1")).await.unwrap();
        store.save("b", tokens("acc-2", "ref-2")).await.unwrap();
        let a = store.load("a").await.unwrap().unwrap();
        assert_eq!(refresh_of(&a), "ref-1");
        assert_eq!(a.access_expires_at, tokens("", "").access_expires_at);
        assert_eq!(a.scopes, ["cjp:config_read"]);
        let debug = format!("{a:?} {store:?}");
        assert!(
            !debug.contains("acc-1") && !debug.contains("ref-1"),
            "{debug}"
        );
        store.remove("a").await.unwrap();
        assert!(store.load("a").await.unwrap().is_none());
        assert_eq!(
            refresh_of(&store.load("b").await.unwrap().unwrap()),
            "ref-2"
        );
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let path = temp_dir("mode").join("t.json");
    FileStore::new(&path)
        .save("a", tokens("x", "y"))
        .await
        .unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[tokio::test]
async fn a_crash_between_write_and_rename_keeps_the_last_complete_state() {
    let dir = temp_dir("crash");
    let path = dir.join("t.json");
    let store = FileStore::new(&path);
    store
        .save("connector", tokens("acc-1", "ref-1"))
        .await
        .unwrap();
    // What a crash after writing the temporary file but before the rename leaves behind.
    std::fs::write(
        dir.join(".t.json.tmp-4242-deadbeef"),
        b"{\"format\": \"wxcc-auth token st",
    )
    .unwrap();
    let reopened = FileStore::new(&path);
    assert_eq!(
        refresh_of(&reopened.load("connector").await.unwrap().unwrap()),
        "ref-1"
    );
    reopened
        .save("connector", tokens("acc-2", "ref-2"))
        .await
        .unwrap();
    assert_eq!(
        refresh_of(&store.load("connector").await.unwrap().unwrap()),
        "ref-2"
    );
}

#[tokio::test]
async fn corrupt_foreign_or_newer_files_are_never_overwritten() {
    let dir = temp_dir("corrupt");
    let cases: [(&str, &[u8], &str); 3] = [
        ("garbage.json", b"\x00\x01 not json", "not JSON"),
        ("foreign.json", b"{\"hello\": \"world\"}", "format"),
        (
            "newer.json",
            b"{\"format\": \"wxcc-auth token store\", \"version\": 9, \"entries\": {}}",
            "version 9",
        ),
    ];
    for (name, contents, reason) in cases {
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        let store = FileStore::new(&path);
        let error = store.load("a").await.unwrap_err();
        assert!(
            matches!(&error, Error::StoreCorrupt { .. }),
            "{name}: {error}"
        );
        assert!(error.to_string().contains(reason), "{name}: {error}");
        assert!(error.to_string().contains("left untouched"), "{error}");
        assert!(store.save("a", tokens("x", "y")).await.is_err());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            contents,
            "{name} was modified"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_saving_different_entries_lose_nothing() {
    let path = temp_dir("shared").join("t.json");
    // Two independent store values stand in for two processes: they share only the file.
    let first = FileStore::new(&path);
    let second = FileStore::new(&path);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let store = if i % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            store
                .save(&format!("source-{i}"), tokens("a", &format!("refresh-{i}")))
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    for i in 0..20 {
        let entry = first.load(&format!("source-{i}")).await.unwrap().unwrap();
        assert_eq!(refresh_of(&entry), format!("refresh-{i}"));
    }
}

#[tokio::test]
async fn an_entry_lock_excludes_other_processes_until_dropped() {
    let dir = temp_dir("lock");
    let store = FileStore::new(dir.join("t.json"));
    let held = store.lock("connector").await.unwrap();
    let lock_file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".lock"))
        .expect("a lock file next to the store");
    // Another process would open the same lock file and find it taken.
    let other = std::fs::File::open(&lock_file).unwrap();
    assert!(fs4::FileExt::try_lock(&other).is_err());
    drop(held);
    assert!(fs4::FileExt::try_lock(&other).is_ok());
}

#[tokio::test]
async fn temporary_files_a_crash_left_are_removed_on_first_use_and_nothing_else() {
    let dir = temp_dir("stale");
    let path = dir.join("t.json");
    FileStore::new(&path)
        .save("connector", tokens("acc-1", "ref-1"))
        .await
        .unwrap();
    // Left by a process that crashed between writing and renaming: it holds a refresh token.
    let stale = [
        dir.join(".t.json.tmp-4242-0123456789abcdef0123456789abcdef"),
        dir.join(".t.json.tmp-1-ffffffffffffffffffffffffffffffff"),
    ];
    for file in &stale {
        std::fs::write(
            file,
            b"{\"entries\": {\"connector\": {\"refresh_token\": \"ref-0\"}}}",
        )
        .unwrap();
    }
    // Not of this store's naming pattern: never touched.
    let foreign = [
        dir.join(".t.json.tmp-4242-deadbeef"),
        dir.join(".t.json.tmp-notours"),
        dir.join(".t.json.tmp-4242-0123456789ABCDEF0123456789ABCDEF"),
        dir.join("t.json.tmp-4242-0123456789abcdef0123456789abcdef"),
        dir.join(".other.json.tmp-4242-0123456789abcdef0123456789abcdef"),
        dir.join(".t.json.tmp-4242-0123456789abcdef0123456789abcdef.bak"),
        dir.join("notes.txt"),
    ];
    for file in &foreign {
        std::fs::write(file, b"keep me").unwrap();
    }

    let reopened = FileStore::new(&path);
    assert_eq!(
        refresh_of(&reopened.load("connector").await.unwrap().unwrap()),
        "ref-1"
    );
    for file in &stale {
        assert!(!file.exists(), "{} was removed", file.display());
    }
    for file in &foreign {
        assert_eq!(
            std::fs::read(file).unwrap(),
            b"keep me",
            "{}",
            file.display()
        );
    }
}
