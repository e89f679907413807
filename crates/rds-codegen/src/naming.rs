//! Rust names for model names: snake_case fields, with keywords escaped.

/// Words Rust reserves; a field with one of these names is written as a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; these get a trailing underscore instead.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self"];

/// snake_case of a model member name. A run of capitals is one word, so `DBClusterIdentifier` is
/// `db_cluster_identifier`, `IAMDatabaseAuthenticationEnabled` is
/// `iam_database_authentication_enabled` and `IOPS` is `iops`; digits stay with the word before
/// them (`ServerlessV2ScalingConfiguration` is `serverless_v2_scaling_configuration`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let starts_word = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_is_lower);
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
        }
        if c == '-' || c == '.' || c == ' ' {
            out.push('_');
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The field identifier for a model member name: snake_case, keywords escaped.
pub fn field_ident(member_name: &str) -> String {
    let snake = snake_case(member_name);
    if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_one_word() {
        for (model, rust) in [
            ("DBClusterIdentifier", "db_cluster_identifier"),
            (
                "IAMDatabaseAuthenticationEnabled",
                "iam_database_authentication_enabled",
            ),
            ("DbClusterResourceId", "db_cluster_resource_id"),
            ("IOPS", "iops"),
            ("KMSKeyId", "kms_key_id"),
            ("MultiAZ", "multi_az"),
            (
                "IOOptimizedNextAllowedModificationTime",
                "io_optimized_next_allowed_modification_time",
            ),
            (
                "ServerlessV2ScalingConfiguration",
                "serverless_v2_scaling_configuration",
            ),
            (
                "DatabaseInstallationFilesS3BucketName",
                "database_installation_files_s3_bucket_name",
            ),
            ("MinRequiredACU", "min_required_acu"),
            ("Port", "port"),
        ] {
            assert_eq!(snake_case(model), rust, "{model}");
        }
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_ident("Type"), "r#type");
        assert_eq!(field_ident("Match"), "r#match");
        assert_eq!(field_ident("Self"), "self_");
        assert_eq!(field_ident("Types"), "types");
    }
}
