//! `cargo xtask`: see [`xtask::USAGE`].

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::codegen::{self, Standalone};
use xtask::diff::{self, Format};
use xtask::error::Error;
use xtask::normalize::Naming;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ Error::Usage(_)) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Error> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Error::Usage("no command given".into()));
    };
    match command.as_str() {
        "codegen" => codegen_command(rest),
        "spec-diff" => spec_diff_command(rest),
        "spec-sync" => spec_sync_command(rest),
        "help" | "--help" | "-h" => {
            println!("{}", xtask::USAGE);
            Ok(())
        }
        other => Err(Error::Usage(format!("unknown command `{other}`"))),
    }
}

fn codegen_command(args: &[String]) -> Result<(), Error> {
    let mut check = false;
    let mut verbose = false;
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut auth = None;
    let mut naming = None;
    let mut access = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| Error::Usage(format!("`{flag}` needs a value")))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--verbose" | "-v" => verbose = true,
            "--spec" => spec = Some(PathBuf::from(value("--spec")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--name" => name = Some(value("--name")?),
            "--wxcc-auth" => auth = Some(value("--wxcc-auth")?),
            "--names" => {
                let text = value("--names")?;
                naming = Some(Naming::parse(&text).ok_or_else(|| {
                    Error::Usage(format!(
                        "`--names {text}`: expected `auto`, `derived` or `spec`"
                    ))
                })?);
            }
            "--access" => access = Some(PathBuf::from(value("--access")?)),
            other => return Err(Error::Usage(format!("unknown option `{other}`"))),
        }
    }
    match (spec, out) {
        (None, None) => {
            if name.is_some() || auth.is_some() || naming.is_some() || access.is_some() {
                return Err(Error::Usage(
                    "`--name`, `--wxcc-auth`, `--names` and `--access` go with `--spec`".into(),
                ));
            }
            codegen::workspace(&codegen::workspace_root(), check, verbose)
        }
        (Some(spec), Some(out)) => {
            if check {
                return Err(Error::Usage(
                    "`--check` applies to the workspace's own specs".into(),
                ));
            }
            codegen::standalone(&Standalone {
                spec,
                out,
                name,
                auth,
                verbose,
                naming: naming.unwrap_or_default(),
                access,
            })
        }
        _ => Err(Error::Usage("`--spec` and `--out` go together".into())),
    }
}

fn spec_sync_command(args: &[String]) -> Result<(), Error> {
    let mut specs = codegen::workspace_root().join("specs").join("wxcc");
    let mut upstream = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--specs" => {
                specs = PathBuf::from(
                    iter.next()
                        .ok_or_else(|| Error::Usage("`--specs` needs a folder".into()))?,
                );
            }
            other if other.starts_with('-') => {
                return Err(Error::Usage(format!("unknown option `{other}`")));
            }
            file if upstream.is_none() => upstream = Some(PathBuf::from(file)),
            _ => return Err(Error::Usage("`spec-sync` takes one spec file".into())),
        }
    }
    let upstream =
        upstream.ok_or_else(|| Error::Usage("`spec-sync` needs Cisco's spec file".into()))?;
    let outcome = xtask::sync::sync(&xtask::sync::Options { upstream, specs })?;
    print!("{}", xtask::sync::report(&outcome));
    Ok(())
}

fn spec_diff_command(args: &[String]) -> Result<(), Error> {
    let mut format = Format::Markdown;
    let mut files = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--format" => {
                let value = iter
                    .next()
                    .ok_or_else(|| Error::Usage("`--format` needs a value".into()))?;
                format = value.parse().map_err(Error::Usage)?;
            }
            other if other.starts_with('-') => {
                return Err(Error::Usage(format!("unknown option `{other}`")));
            }
            file => files.push(PathBuf::from(file)),
        }
    }
    let [old, new] = files.as_slice() else {
        return Err(Error::Usage(
            "`spec-diff` takes two specs: OLD and NEW".into(),
        ));
    };
    let old = xtask::load::load(old)?;
    let new = xtask::load::load(new)?;
    let diff = diff::diff_specs(&old, &new)?;
    print!("{}", diff::render(&diff, format));
    Ok(())
}
