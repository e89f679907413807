//! Input rules AWS enforces before touching any resource, with AWS's own messages.

use crate::error::{Error, Result};

/// Checks an RDS identifier (1-63 letters, digits, hyphens; starts with a letter; no `--`; no
/// trailing hyphen) and returns it lowercased, as RDS stores it.
pub fn identifier(param: &str, value: &str) -> Result<String> {
    let ok = (1..=63).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(Error::InvalidParameterValue(format!(
            "The parameter {param} is not a valid identifier. Identifiers must begin with a letter; \
             must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen \
             or contain two consecutive hyphens."
        )))
    }
}

/// Most tags one resource may carry (AWS's quota).
pub const MAX_TAGS: usize = 50;
/// Longest tag key and value, in characters.
const MAX_TAG_KEY: usize = 128;
const MAX_TAG_VALUE: usize = 256;

/// Checks one tag against AWS's bounds: a key of 1 to 128 characters not starting with
/// `aws:`, a value of at most 256.
pub fn tag(t: &crate::model::Tag) -> Result<()> {
    let key_len = t.key.chars().count();
    if key_len == 0 || key_len > MAX_TAG_KEY {
        return Err(Error::InvalidParameterValue(format!(
            "Tag keys must be between 1 and {MAX_TAG_KEY} characters long; this one has {key_len}."
        )));
    }
    if t.key.to_ascii_lowercase().starts_with("aws:") {
        return Err(Error::InvalidParameterValue(
            "Tag keys must not begin with the reserved prefix aws:.".to_owned(),
        ));
    }
    let value_len = t.value.chars().count();
    if value_len > MAX_TAG_VALUE {
        return Err(Error::InvalidParameterValue(format!(
            "Tag values must be at most {MAX_TAG_VALUE} characters long; the value of {} has {value_len}.",
            t.key.chars().take(MAX_TAG_KEY).collect::<String>()
        )));
    }
    Ok(())
}

/// Checks a parameter group name: like an identifier, but dots are allowed (`default.x`), up to 255.
pub fn parameter_group_name(value: &str) -> Result<String> {
    let ok = (1..=255).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(Error::InvalidParameterValue(
            "The parameter DBClusterParameterGroupName is not a valid identifier. Identifiers must \
             begin with a letter; must contain only ASCII letters, digits, and hyphens; and must \
             not end with a hyphen or contain two consecutive hyphens."
                .to_owned(),
        ))
    }
}

/// Rejects a required string that is present but blank.
pub fn not_blank(param: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::InvalidParameterValue(format!(
            "The parameter {param} must be provided and must not be blank."
        )))
    } else {
        Ok(())
    }
}

/// The page size of a Describe call: default 100, allowed 20 to 100.
pub fn max_records(value: Option<i32>) -> Result<usize> {
    match value {
        None => Ok(100),
        Some(n @ 20..=100) => Ok(n as usize),
        Some(n) => Err(Error::InvalidParameterValue(format!(
            "Invalid value {n} for MaxRecords. Must be between 20 and 100"
        ))),
    }
}

/// The backtrack window: 0 to 259200 seconds (72 hours).
pub fn backtrack_window(seconds: i64) -> Result<i64> {
    if (0..=259_200).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(Error::InvalidParameterValue(format!(
            "The BacktrackWindow {seconds} is not valid. It must be between 0 and 259200 seconds (72 hours)."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_the_rds_rules() {
        assert_eq!(identifier("X", "My-Cluster1").unwrap(), "my-cluster1");
        for bad in ["", "1abc", "a--b", "abc-", "a_b", "a.b", &"a".repeat(64)] {
            let e = identifier("DBClusterIdentifier", bad).unwrap_err();
            assert!(
                e.message()
                    .starts_with("The parameter DBClusterIdentifier is not a valid identifier."),
                "{bad}"
            );
        }
        assert!(identifier("X", &"a".repeat(63)).is_ok());
    }

    #[test]
    fn max_records_bounds() {
        assert_eq!(max_records(None).unwrap(), 100);
        assert_eq!(max_records(Some(20)).unwrap(), 20);
        assert_eq!(
            max_records(Some(5)).unwrap_err().message(),
            "Invalid value 5 for MaxRecords. Must be between 20 and 100"
        );
        assert!(max_records(Some(101)).is_err());
    }

    #[test]
    fn backtrack_window_bounds() {
        assert!(backtrack_window(0).is_ok());
        assert!(backtrack_window(259_200).is_ok());
        assert!(backtrack_window(259_201).is_err());
        assert!(backtrack_window(-1).is_err());
    }
}
