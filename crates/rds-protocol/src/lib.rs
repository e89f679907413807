//! The awsQuery wire format, as the AWS SDKs speak it to RDS.
//!
//! This crate owns the parts of the protocol that know nothing about RDS: the form body turned
//! into flat parameters (`Filters.Filter.1.Values.Value.2=...`), the XML writer, the success and
//! error envelopes, and ISO-8601 timestamps. It must never import anything RDS- or
//! Aurora-specific; `rds-api` builds typed shapes on top of it.

mod params;
mod time;
mod xml;

pub use params::{ParamError, Params};
pub use time::{format_timestamp, parse_timestamp};
pub use xml::{error_response, success_response, XmlWriter, XML_NAMESPACE};
