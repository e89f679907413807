//! Flat request parameters, the way awsQuery encodes them.
//!
//! Lists and structures are flattened into dotted keys (`Tags.Tag.1.Key`), so the map is kept
//! sorted: every member of a structure or list shares a prefix and can be found by a range scan.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

/// The decoded parameters of one request, keyed by their flattened awsQuery names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    map: BTreeMap<String, String>,
}

/// Why a parameter could not be read; `rds-api` turns it into the AWS error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// A required member is absent.
    Missing(String),
    /// A member is present but empty where a value is required.
    Blank(String),
    /// A member's text does not parse as its modeled type.
    Invalid {
        /// The flattened parameter name.
        name: String,
        /// The text received.
        value: String,
        /// The modeled type, as the model names it (`integer`, `timestamp`, ...).
        expected: &'static str,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Missing(name) => {
                write!(f, "The request must contain the parameter {name}")
            }
            ParamError::Blank(name) => {
                write!(
                    f,
                    "The parameter {name} must be provided and must not be blank."
                )
            }
            ParamError::Invalid {
                name,
                value,
                expected,
            } => {
                write!(
                    f,
                    "Invalid value '{value}' for parameter {name}: expected {expected}."
                )
            }
        }
    }
}

impl std::error::Error for ParamError {}

impl Params {
    /// Decodes an `application/x-www-form-urlencoded` body (or a URL query string); later
    /// duplicates of a key win, as in a plain map.
    pub fn from_form(body: &[u8]) -> Self {
        let mut params = Params::default();
        params.extend_from_form(body);
        params
    }

    /// Adds the pairs of another form-encoded string, e.g. a query string beside a body.
    pub fn extend_from_form(&mut self, body: &[u8]) {
        for (k, v) in form_urlencoded::parse(body) {
            self.map.insert(k.into_owned(), v.into_owned());
        }
    }

    /// Sets one parameter; used by tests and by callers building requests by hand.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.map.insert(key.into(), value.into());
    }

    /// The raw text of one parameter.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(String::as_str)
    }

    /// True when the key itself, or any key nested under it (`key.`...), is present.
    pub fn contains_prefix(&self, key: &str) -> bool {
        if self.map.contains_key(key) {
            return true;
        }
        let nested = format!("{key}.");
        self.map
            .range(nested.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&nested))
    }

    /// The distinct list positions present under `prefix.` (e.g. `Tags.Tag` gives 1, 2, ...),
    /// in numeric order. Positions that are not positive integers are ignored.
    pub fn list_indices(&self, prefix: &str) -> Vec<u32> {
        let nested = format!("{prefix}.");
        let mut out: Vec<u32> = self
            .map
            .range(nested.clone()..)
            .take_while(|(k, _)| k.starts_with(&nested))
            .filter_map(|(k, _)| {
                let rest = &k[nested.len()..];
                let index = rest.split('.').next().unwrap_or("");
                index.parse::<u32>().ok().filter(|n| *n > 0)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every key, in sorted order; used to report unknown parameters.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// A string member; blank strings are kept as they are (the domain decides if blank is bad).
    pub fn string(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_owned)
    }

    /// An integer member (model types `integer` and `long`).
    pub fn integer<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ParamError> {
        self.typed(key, "integer", |s| s.trim().parse::<T>().ok())
    }

    /// A double member.
    pub fn double(&self, key: &str) -> Result<Option<f64>, ParamError> {
        self.typed(key, "double", |s| {
            s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
        })
    }

    /// A boolean member: `true`/`false`, compared case-insensitively to be lenient.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ParamError> {
        self.typed(key, "boolean", |s| {
            if s.eq_ignore_ascii_case("true") {
                Some(true)
            } else if s.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        })
    }

    /// A timestamp member, ISO-8601 in any of the forms the SDKs send.
    pub fn timestamp(&self, key: &str) -> Result<Option<DateTime<Utc>>, ParamError> {
        self.typed(key, "timestamp", crate::time::parse_timestamp)
    }

    fn typed<T>(
        &self,
        key: &str,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, ParamError> {
        match self.get(key) {
            None => Ok(None),
            Some("") => Ok(None),
            Some(text) => parse(text).map(Some).ok_or_else(|| ParamError::Invalid {
                name: key.to_owned(),
                value: text.to_owned(),
                expected,
            }),
        }
    }
}

impl Params {
    /// The key of a member under a structure prefix: `("", "A")` is `A`, `("P", "A")` is `P.A`.
    pub fn key(prefix: &str, member: &str) -> String {
        if prefix.is_empty() {
            member.to_owned()
        } else {
            format!("{prefix}.{member}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent_spaces_alike() {
        let p = Params::from_form(b"Action=X&A=a+b&B=a%20b&C=2024-01-02T03%3A04%3A05Z");
        assert_eq!(p.get("A"), Some("a b"));
        assert_eq!(p.get("B"), Some("a b"));
        assert_eq!(p.get("C"), Some("2024-01-02T03:04:05Z"));
    }

    #[test]
    fn list_indices_are_numeric_sorted_and_distinct() {
        let p = Params::from_form(
            b"Tags.Tag.10.Key=j&Tags.Tag.2.Key=b&Tags.Tag.2.Value=v&Tags.Tag.1.Key=a&Tags.Tagx.3=z",
        );
        assert_eq!(p.list_indices("Tags.Tag"), vec![1, 2, 10]);
        assert!(p.contains_prefix("Tags"));
        assert!(!p.contains_prefix("Tag"));
    }

    #[test]
    fn empty_list_is_present_but_has_no_items() {
        let p = Params::from_form(b"AvailabilityZones=");
        assert!(p.contains_prefix("AvailabilityZones"));
        assert!(p
            .list_indices("AvailabilityZones.AvailabilityZone")
            .is_empty());
    }

    #[test]
    fn typed_members_report_the_bad_value() {
        let p = Params::from_form(b"N=12&B=TRUE&X=abc&E=");
        assert_eq!(p.integer::<i64>("N"), Ok(Some(12)));
        assert_eq!(p.boolean("B"), Ok(Some(true)));
        assert_eq!(p.integer::<i64>("E"), Ok(None));
        assert_eq!(
            p.integer::<i32>("X"),
            Err(ParamError::Invalid {
                name: "X".into(),
                value: "abc".into(),
                expected: "integer"
            })
        );
        assert!(p.boolean("X").is_err());
    }
}
