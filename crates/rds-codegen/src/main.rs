//! The `rds-codegen` command: `generate` rewrites `crates/rds-api/src/generated.rs`;
//! `check-responses DIR` validates every `*.xml` response body under DIR against the model.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rds_codegen::{check_response, generate, generated_path, stats, Model};

const USAGE: &str = "usage: rds-codegen generate | rds-codegen check-responses <DIR>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate"] => run_generate(),
        ["check-responses", dir] => run_check(Path::new(dir)),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("rds-codegen: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_generate() -> Result<ExitCode, String> {
    let model = Model::load_default()?;
    let text = generate(&model)?;
    let path = generated_path();
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let s = stats(&model)?;
    println!(
        "wrote {}: {} operations, {} structs ({} used as both input and output), {} error codes",
        path.display(),
        s.operations,
        s.structs,
        s.both_sides,
        s.error_codes
    );
    Ok(ExitCode::SUCCESS)
}

fn run_check(dir: &Path) -> Result<ExitCode, String> {
    let model = Model::load_default()?;
    let mut files = Vec::new();
    collect_xml(dir, &mut files)?;
    files.sort();
    let mut failed = 0;
    for file in &files {
        let body = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if let Err(problems) = check_response(&model, &body) {
            failed += 1;
            println!("FAIL {}", file.display());
            for problem in problems {
                println!("  {problem}");
            }
        }
    }
    println!("{} responses checked, {failed} failed", files.len());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Every `*.xml` file under `dir`, recursively.
fn collect_xml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_xml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
    Ok(())
}
