//! The XML side of awsQuery: a small streaming writer and the two envelopes.
//!
//! Responses are built by appending to one `String`: no DOM, no allocation per element beyond
//! escaping, because DescribeDBClusters sits on the hot path of every waiter poll.

use std::fmt::Write as _;

/// The namespace every RDS response and error root carries.
pub const XML_NAMESPACE: &str = "http://rds.amazonaws.com/doc/2014-10-31/";

/// Appends well-formed XML to a buffer. Callers open and close elements in order.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    /// A writer with room for a typical response.
    pub fn new() -> Self {
        XmlWriter {
            buf: String::with_capacity(4096),
        }
    }

    /// Opens `<name>`.
    pub fn start(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
    }

    /// Closes `</name>`.
    pub fn end(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }

    /// Writes `<name/>`, the form AWS uses for an empty list.
    pub fn empty(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str("/>");
    }

    /// Writes `<name>text</name>`, escaping the text.
    pub fn text(&mut self, name: &str, text: &str) {
        self.start(name);
        self.buf.push_str(&quick_xml::escape::escape(text));
        self.end(name);
    }

    /// Writes a boolean exactly as `true` or `false`, the only forms every SDK accepts.
    pub fn boolean(&mut self, name: &str, value: bool) {
        self.text(name, if value { "true" } else { "false" });
    }

    /// Writes any number with its `Display` form.
    pub fn number(&mut self, name: &str, value: impl std::fmt::Display) {
        self.start(name);
        let _ = write!(self.buf, "{value}");
        self.end(name);
    }

    /// Writes a timestamp as UTC with milliseconds.
    pub fn timestamp(&mut self, name: &str, value: &chrono::DateTime<chrono::Utc>) {
        self.text(name, &crate::format_timestamp(value));
    }

    /// The XML written so far.
    pub fn into_string(self) -> String {
        self.buf
    }
}

/// Builds `<{op}Response><{op}Result>...</{op}Result><ResponseMetadata>...` with the Result
/// first, as the Rust SDK requires. `result` is `None` for operations without an output shape.
pub fn success_response(
    operation: &str,
    request_id: &str,
    result: Option<&dyn Fn(&mut XmlWriter)>,
) -> String {
    let mut w = XmlWriter::new();
    let _ = write!(w.buf, "<{operation}Response xmlns=\"{XML_NAMESPACE}\">");
    if let Some(write_result) = result {
        let wrapper = format!("{operation}Result");
        w.start(&wrapper);
        write_result(&mut w);
        w.end(&wrapper);
    }
    w.start("ResponseMetadata");
    w.text("RequestId", request_id);
    w.end("ResponseMetadata");
    w.end(&format!("{operation}Response"));
    w.into_string()
}

/// Builds the `<ErrorResponse>` envelope. `sender` says whether the caller is at fault.
pub fn error_response(code: &str, message: &str, sender: bool, request_id: &str) -> String {
    let mut w = XmlWriter::new();
    let _ = write!(w.buf, "<ErrorResponse xmlns=\"{XML_NAMESPACE}\">");
    w.start("Error");
    w.text("Type", if sender { "Sender" } else { "Receiver" });
    w.text("Code", code);
    w.text("Message", message);
    w.end("Error");
    w.text("RequestId", request_id);
    w.end("ErrorResponse");
    w.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_comes_before_metadata() {
        let xml = success_response(
            "DescribeDBClusters",
            "rid",
            Some(&|w: &mut XmlWriter| w.empty("DBClusters")),
        );
        assert_eq!(
            xml,
            format!(
                "<DescribeDBClustersResponse xmlns=\"{XML_NAMESPACE}\"><DescribeDBClustersResult>\
                 <DBClusters/></DescribeDBClustersResult><ResponseMetadata><RequestId>rid\
                 </RequestId></ResponseMetadata></DescribeDBClustersResponse>"
            )
        );
    }

    #[test]
    fn operations_without_output_have_only_metadata() {
        let xml = success_response("AddTagsToResource", "r", None);
        assert!(!xml.contains("Result"));
        assert!(xml.contains("<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"));
    }

    #[test]
    fn text_is_escaped_and_errors_carry_type() {
        let xml = error_response("InvalidParameterValue", "a<b & 'c'", true, "r");
        assert!(xml.contains("<Type>Sender</Type><Code>InvalidParameterValue</Code>"));
        assert!(xml.contains("a&lt;b &amp; &apos;c&apos;"));
        assert!(xml.ends_with("<RequestId>r</RequestId></ErrorResponse>"));
    }
}
