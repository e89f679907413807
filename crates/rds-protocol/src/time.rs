//! ISO-8601 timestamps, both ways.
//!
//! Output is always UTC with milliseconds (`2021-03-22T14:21:25.104Z`), which every SDK parses.
//! Input is lenient, because SDKs differ: seconds optional, any fraction, `Z` or an offset, and a
//! bare date.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// Formats a timestamp the way Rewind emits every timestamp: UTC, milliseconds, `Z`.
pub fn format_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses the timestamp forms the SDKs and the API reference use; `None` when it is not one.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    // Without seconds (`2017-07-08T18:00Z`, `2017-07-08T18:00+02:00`).
    for format in ["%Y-%m-%dT%H:%M%#z", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    if let Some(naive) = text.strip_suffix('Z').or(Some(text)).and_then(|t| {
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    }) {
        return Some(naive.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> String {
        format_timestamp(&parse_timestamp(text).unwrap_or_else(|| panic!("{text}")))
    }

    #[test]
    fn accepts_every_form_the_sdks_send() {
        assert_eq!(parsed("2021-03-22T14:13:37Z"), "2021-03-22T14:13:37.000Z");
        assert_eq!(
            parsed("2021-03-22T14:13:37.123Z"),
            "2021-03-22T14:13:37.123Z"
        );
        assert_eq!(
            parsed("2024-01-02T01:04:05.123000Z"),
            "2024-01-02T01:04:05.123Z"
        );
        assert_eq!(
            parsed("2024-01-02T03:04:05.123+02:00"),
            "2024-01-02T01:04:05.123Z"
        );
        assert_eq!(parsed("2017-07-08T18:00Z"), "2017-07-08T18:00:00.000Z");
        assert_eq!(parsed("2017-07-08T18:00+01:00"), "2017-07-08T17:00:00.000Z");
        assert_eq!(parsed("2017-07-08T18:00:01"), "2017-07-08T18:00:01.000Z");
        assert_eq!(parsed("2017-07-08"), "2017-07-08T00:00:00.000Z");
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in ["", "yesterday", "2021-13-01T00:00:00Z", "1616422417"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
