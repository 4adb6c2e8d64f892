//! What the crates cost to build: a cold release build of wxcc-sdk and its dependencies, the
//! size of the generated code, and the time of `cargo xtask codegen --check`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct BuildResults {
    pub cold_release: Duration,
    pub generated: Vec<(String, u64, usize)>,
    pub codegen_check: Duration,
}

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

fn run(command: &mut Command) -> Result<Duration, String> {
    let started = Instant::now();
    let status = command.status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("{command:?} failed with {status}"));
    }
    Ok(started.elapsed())
}

pub fn measure() -> Result<BuildResults, String> {
    let root = workspace_root();
    let cold_target = std::env::temp_dir().join(format!("wxcc-bench-cold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cold_target);
    let cold_release = run(Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "build",
            "--release",
            "--quiet",
            "--locked",
            "-p",
            "wxcc-sdk",
        ])
        .env("CARGO_TARGET_DIR", &cold_target))?;
    let _ = std::fs::remove_dir_all(&cold_target);

    let mut generated = Vec::new();
    for krate in ["wxcc-api", "engage-api"] {
        let path = root.join("generated").join(krate).join("src/generated.rs");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        generated.push((krate.to_owned(), text.len() as u64, text.lines().count()));
    }

    // The first run may build the xtask; time the second.
    let codegen = || {
        run(Command::new(env!("CARGO"))
            .current_dir(&root)
            .args(["xtask", "codegen", "--check"])
            .stdout(std::process::Stdio::null()))
    };
    codegen()?;
    let codegen_check = codegen()?;
    Ok(BuildResults {
        cold_release,
        generated,
        codegen_check,
    })
}
