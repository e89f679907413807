//! The typed RDS Query API: the shapes generated from the service model, the request enum and
//! the error codes.
//!
//! This crate owns the Rust form of the RDS wire contract: every input and output structure of
//! the operations Rewind serves (generated into `generated.rs` by `rds-codegen`, never edited by
//! hand), how inputs are read from awsQuery parameters and outputs written as XML, the
//! [`Request`] enum the server dispatches on, and [`ErrorCode`] with each error's wire code and
//! HTTP status. It builds on `rds-protocol` and must never import the domain (`aurora`) or the
//! storage (`store`): those depend on it, not the other way round.

mod exceptions;
mod generated;

pub use exceptions::{ApiError, RequestError};
pub use generated::*;
pub use rds_protocol::{ParamError, Params, XmlWriter};

/// An input shape, read from flat awsQuery parameters.
pub trait FromParams: Sized {
    /// Reads the shape whose members sit under `prefix` (`""` for an operation's input,
    /// `Filters.Filter.1` for a nested structure).
    fn from_params(params: &Params, prefix: &str) -> Result<Self, ParamError>;
}

/// An output shape, written as XML.
pub trait WriteXml {
    /// Writes every present member, in model order, as children of the current element.
    fn write_members(&self, w: &mut XmlWriter);
}

impl<T: FromParams> FromParams for Box<T> {
    fn from_params(params: &Params, prefix: &str) -> Result<Self, ParamError> {
        T::from_params(params, prefix).map(Box::new)
    }
}

impl<T: WriteXml + ?Sized> WriteXml for Box<T> {
    fn write_members(&self, w: &mut XmlWriter) {
        (**self).write_members(w);
    }
}

impl Request {
    /// The output shape of this request's operation (see [`OPERATIONS`]); `None` when the
    /// operation has no output, so the response carries only `ResponseMetadata`.
    pub fn output_shape(&self) -> Option<&'static str> {
        let action = self.action();
        OPERATIONS
            .iter()
            .find(|(name, _)| *name == action)
            .and_then(|(_, output)| *output)
    }
}

/// Renders a success response for `action`: the `{action}Result` element holding `result`'s
/// members (omitted when `result` is `None`, for operations without output), then the metadata.
pub fn render_success(action: &str, request_id: &str, result: Option<&dyn WriteXml>) -> String {
    match result {
        Some(result) => {
            let write = |w: &mut XmlWriter| result.write_members(w);
            rds_protocol::success_response(action, request_id, Some(&write))
        }
        None => rds_protocol::success_response(action, request_id, None),
    }
}

/// Helpers the generated code calls: one per kind of field, so each generated line stays short.
mod wire {
    use chrono::{DateTime, Utc};
    use rds_protocol::{ParamError, Params, XmlWriter};

    use crate::{FromParams, WriteXml};

    /// A value read from one key (scalars) or from every key under a prefix (structures).
    pub(crate) trait ParamValue: Sized {
        /// `None` when nothing is there (or, for non-string scalars, an empty value).
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError>;
    }

    impl ParamValue for String {
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError> {
            Ok(params.string(key))
        }
    }

    impl ParamValue for i32 {
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError> {
            params.integer(key)
        }
    }

    impl ParamValue for i64 {
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError> {
            params.integer(key)
        }
    }

    impl ParamValue for f64 {
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError> {
            params.double(key)
        }
    }

    impl ParamValue for bool {
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError> {
            params.boolean(key)
        }
    }

    impl ParamValue for DateTime<Utc> {
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError> {
            params.timestamp(key)
        }
    }

    /// A structure is present when any key under its prefix is.
    impl<T: FromParams> ParamValue for T {
        fn read(params: &Params, key: &str) -> Result<Option<Self>, ParamError> {
            if params.contains_prefix(key) {
                T::from_params(params, key).map(Some)
            } else {
                Ok(None)
            }
        }
    }

    /// Reads an operation's input, whose members are top-level keys.
    pub(crate) fn read_input<T: FromParams>(params: &Params) -> Result<T, ParamError> {
        T::from_params(params, "")
    }

    /// An optional member.
    pub(crate) fn read_opt<T: ParamValue>(
        params: &Params,
        prefix: &str,
        name: &str,
    ) -> Result<Option<T>, ParamError> {
        T::read(params, &Params::key(prefix, name))
    }

    /// A required member: absent is `Missing`, present but empty is `Blank`.
    pub(crate) fn read_req<T: ParamValue>(
        params: &Params,
        prefix: &str,
        name: &str,
    ) -> Result<T, ParamError> {
        let key = Params::key(prefix, name);
        if params.get(&key) == Some("") {
            return Err(ParamError::Blank(key));
        }
        T::read(params, &key)?.ok_or(ParamError::Missing(key))
    }

    /// An optional list: items are `name.item.1`, `name.item.2`, ...; a bare `name=` is an
    /// empty list.
    pub(crate) fn read_opt_list<T: ParamValue>(
        params: &Params,
        prefix: &str,
        name: &str,
        item: &str,
    ) -> Result<Option<Vec<T>>, ParamError> {
        let key = Params::key(prefix, name);
        if !params.contains_prefix(&key) {
            return Ok(None);
        }
        if let Some(text) = params.get(&key).filter(|t| !t.is_empty()) {
            return Err(ParamError::Invalid {
                name: key.clone(),
                value: text.to_owned(),
                expected: "list",
            });
        }
        let items_prefix = format!("{key}.{item}");
        let mut items = Vec::new();
        for index in params.list_indices(&items_prefix) {
            let item_key = format!("{items_prefix}.{index}");
            match T::read(params, &item_key)? {
                Some(value) => items.push(value),
                None if params.get(&item_key) == Some("") => {
                    return Err(ParamError::Blank(item_key))
                }
                None => return Err(ParamError::Missing(item_key)),
            }
        }
        Ok(Some(items))
    }

    /// A required list; an explicitly empty one (`name=`) is accepted.
    pub(crate) fn read_list<T: ParamValue>(
        params: &Params,
        prefix: &str,
        name: &str,
        item: &str,
    ) -> Result<Vec<T>, ParamError> {
        read_opt_list(params, prefix, name, item)?
            .ok_or_else(|| ParamError::Missing(Params::key(prefix, name)))
    }

    /// A value written as one element named `name`.
    pub(crate) trait XmlValue {
        fn write_xml(&self, w: &mut XmlWriter, name: &str);
    }

    impl XmlValue for String {
        fn write_xml(&self, w: &mut XmlWriter, name: &str) {
            w.text(name, self);
        }
    }

    impl XmlValue for i32 {
        fn write_xml(&self, w: &mut XmlWriter, name: &str) {
            w.number(name, self);
        }
    }

    impl XmlValue for i64 {
        fn write_xml(&self, w: &mut XmlWriter, name: &str) {
            w.number(name, self);
        }
    }

    impl XmlValue for f64 {
        fn write_xml(&self, w: &mut XmlWriter, name: &str) {
            w.number(name, self);
        }
    }

    impl XmlValue for bool {
        fn write_xml(&self, w: &mut XmlWriter, name: &str) {
            w.boolean(name, *self);
        }
    }

    impl XmlValue for DateTime<Utc> {
        fn write_xml(&self, w: &mut XmlWriter, name: &str) {
            w.timestamp(name, self);
        }
    }

    impl<T: WriteXml> XmlValue for T {
        fn write_xml(&self, w: &mut XmlWriter, name: &str) {
            w.start(name);
            self.write_members(w);
            w.end(name);
        }
    }

    /// An optional member: nothing when `None`.
    pub(crate) fn write_opt<T: XmlValue>(w: &mut XmlWriter, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            value.write_xml(w, name);
        }
    }

    /// A member that is always present.
    pub(crate) fn write_value<T: XmlValue>(w: &mut XmlWriter, name: &str, value: &T) {
        value.write_xml(w, name);
    }

    /// An optional list: nothing when `None`, `<name/>` when empty.
    pub(crate) fn write_opt_list<T: XmlValue>(
        w: &mut XmlWriter,
        name: &str,
        item: &str,
        items: &Option<Vec<T>>,
    ) {
        if let Some(items) = items {
            write_list(w, name, item, items);
        }
    }

    /// A list: `<name/>` when empty, else `<name><item>..</item>..</name>`.
    pub(crate) fn write_list<T: XmlValue>(w: &mut XmlWriter, name: &str, item: &str, items: &[T]) {
        if items.is_empty() {
            w.empty(name);
            return;
        }
        w.start(name);
        for value in items {
            value.write_xml(w, item);
        }
        w.end(name);
    }
}
