//! The checked-in `crates/rds-api/src/generated.rs` must be exactly what the generator writes
//! today, and what rustfmt would write: CI fails here when the model, the allowlist or the
//! generator changed without regenerating.

use rds_codegen::{generate, generated_path, rustfmt_mismatch, stats, Model, HEADER};

fn generated() -> String {
    generate(&Model::load_default().expect("model loads")).expect("generation succeeds")
}

#[test]
fn checked_in_code_is_up_to_date() {
    let fresh = generated();
    let path = generated_path();
    let on_disk = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if on_disk != fresh {
        let first_difference = on_disk
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "at the end".to_owned(), |i| format!("at line {}", i + 1));
        panic!(
            "{} is stale (first difference {first_difference}); \
             run `cargo run -p rds-codegen -- generate` and commit the result",
            path.display()
        );
    }
}

#[test]
fn output_is_deterministic_and_starts_with_the_header() {
    let first = generated();
    assert_eq!(first, generated());
    assert_eq!(first.lines().next(), Some(HEADER));
}

#[test]
fn output_is_already_rustfmt_formatted() {
    match rustfmt_mismatch(&generated()) {
        Ok(None) => {}
        Ok(Some(mismatch)) => panic!("generated code is not rustfmt's layout: {mismatch}"),
        Err(e) => eprintln!("skipping the formatting check: {e}"),
    }
}

#[test]
fn shapes_of_both_sides_and_errors_are_all_there() {
    let model = Model::load_default().unwrap();
    let s = stats(&model).unwrap();
    assert_eq!(s.operations, 40);
    assert_eq!(s.error_codes, 72 + 16); // 72 modeled, 16 common (TagQuotaPerResourceExceeded, RequestEntityTooLarge, RequestTimeout among them)
    let text = generated();
    for needle in [
        "pub struct DBCluster {",
        "pub struct CreateDBClusterMessage {",
        "pub struct DBClusterMessage {",
        "pub struct Filter {",
        "impl FromParams for Tag {",
        "impl WriteXml for Tag {",
        "    pub db_cluster_resource_id: Option<String>,",
        "    pub iam_database_authentication_enabled: Option<bool>,",
        "    pub backtrack_to: DateTime<Utc>,",
        "    pub values: Vec<String>,",
        "            ErrorCode::DBInstanceNotFoundFault => \"DBInstanceNotFound\",",
    ] {
        assert!(text.contains(needle), "generated code lacks {needle:?}");
    }
    // Error shapes are codes, not structs; output-only shapes are never parsed.
    assert!(!text.contains("pub struct DBClusterNotFoundFault"));
    assert!(!text.contains("impl FromParams for DBCluster {"));
    assert!(!text.contains("impl WriteXml for Filter {"));
}
