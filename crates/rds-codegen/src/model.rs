//! The botocore service model (`service-2.json`), reduced to what the generator and the response
//! checker need.
//!
//! Everything the model says about documentation, validation limits and endpoints is ignored.
//! Structure members are kept in model order, because that is the order responses list them in.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// A loaded service model.
#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    /// Service-wide settings (protocol, namespace).
    pub metadata: Metadata,
    /// Operations by name.
    pub operations: BTreeMap<String, Operation>,
    /// Shapes by name.
    pub shapes: BTreeMap<String, Shape>,
}

/// The model's `metadata` block.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Wire protocol; `query` for RDS.
    pub protocol: String,
    /// API version sent as `Version=`.
    pub api_version: String,
    /// Namespace of every response root.
    pub xml_namespace: Option<String>,
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// Operation name (the `Action=` value).
    pub name: String,
    /// Input shape.
    pub input: Option<ShapeRef>,
    /// Output shape, with its `resultWrapper`.
    pub output: Option<ShapeRef>,
    /// Modeled error shapes.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
}

impl Operation {
    /// The element wrapping the output members: the model's `resultWrapper`, else `{Op}Result`.
    pub fn result_wrapper(&self) -> Option<String> {
        self.output.as_ref().map(|out| {
            out.result_wrapper
                .clone()
                .unwrap_or_else(|| format!("{}Result", self.name))
        })
    }
}

/// A reference to a shape: an operation input/output/error, a structure member or a list item.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    /// Target shape name.
    pub shape: String,
    /// Serialized name, when it differs from the member name.
    pub location_name: Option<String>,
    /// Result element name (operation outputs only).
    pub result_wrapper: Option<String>,
    /// Flattened list member (never set in the RDS model).
    #[serde(default)]
    pub flattened: bool,
}

/// The type of a shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeKind {
    /// A structure with named members.
    Structure,
    /// A list of one member shape.
    List,
    /// A map (not reachable from the operations Rewind serves).
    Map,
    /// A string, including enums.
    String,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    Long,
    /// A double.
    Double,
    /// A float.
    Float,
    /// A boolean.
    Boolean,
    /// An ISO-8601 timestamp.
    Timestamp,
    /// Base64 binary data.
    Blob,
}

impl ShapeKind {
    /// The model's spelling of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            ShapeKind::Structure => "structure",
            ShapeKind::List => "list",
            ShapeKind::Map => "map",
            ShapeKind::String => "string",
            ShapeKind::Integer => "integer",
            ShapeKind::Long => "long",
            ShapeKind::Double => "double",
            ShapeKind::Float => "float",
            ShapeKind::Boolean => "boolean",
            ShapeKind::Timestamp => "timestamp",
            ShapeKind::Blob => "blob",
        }
    }
}

/// One shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// The type.
    #[serde(rename = "type")]
    pub kind: ShapeKind,
    /// Structure members, in model order.
    #[serde(default, deserialize_with = "ordered_members")]
    pub members: Vec<(String, ShapeRef)>,
    /// Names of required structure members.
    #[serde(default)]
    pub required: Vec<String>,
    /// List item.
    pub member: Option<ShapeRef>,
    /// Map key.
    pub key: Option<ShapeRef>,
    /// Map value.
    pub value: Option<ShapeRef>,
    /// True for error shapes.
    #[serde(default)]
    pub exception: bool,
    /// Wire code, HTTP status and fault side of an error shape.
    pub error: Option<ErrorInfo>,
    /// Flattened list (never set in the RDS model).
    #[serde(default)]
    pub flattened: bool,
    /// Allowed values of an enum string.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
}

impl Shape {
    /// The member named `name`, if the structure has one.
    pub fn member_named(&self, name: &str) -> Option<&ShapeRef> {
        self.members.iter().find(|(n, _)| n == name).map(|(_, r)| r)
    }

    /// Whether structure member `name` is listed in `required`.
    pub fn is_required(&self, name: &str) -> bool {
        self.required.iter().any(|r| r == name)
    }
}

/// The `error` block of an error shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// The `<Code>` on the wire, when it differs from the shape name.
    pub code: Option<String>,
    /// HTTP status.
    pub http_status_code: Option<u16>,
    /// True when the caller is at fault.
    #[serde(default)]
    pub sender_fault: bool,
}

/// Serialized name of a structure member: its `locationName`, else the member name.
pub fn serialized_name<'a>(member_name: &'a str, member: &'a ShapeRef) -> &'a str {
    member.location_name.as_deref().unwrap_or(member_name)
}

/// Element/key name of a list item: the list member's `locationName`, else `member`.
pub fn list_item_name(list: &Shape) -> &str {
    list.member
        .as_ref()
        .and_then(|m| m.location_name.as_deref())
        .unwrap_or("member")
}

impl Model {
    /// Parses a model from its JSON text.
    pub fn from_json(text: &str) -> Result<Model, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid service model: {e}"))
    }

    /// Loads a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<Model, String> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Model::from_json(&text)
    }

    /// Loads the workspace's `api-models/rds/service-2.json`.
    pub fn load_default() -> Result<Model, String> {
        Model::load(default_model_path())
    }

    /// The shape named `name`, or an error naming it.
    pub fn shape(&self, name: &str) -> Result<&Shape, String> {
        self.shapes
            .get(name)
            .ok_or_else(|| format!("shape {name} is not in the model"))
    }

    /// Every shape reachable from `roots` through structure members, list items and map
    /// keys/values, roots included.
    pub fn closure<'a>(
        &self,
        roots: impl IntoIterator<Item = &'a str>,
    ) -> Result<BTreeSet<String>, String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(name) = stack.pop() {
            if seen.contains(&name) {
                continue;
            }
            let shape = self.shape(&name)?;
            stack.extend(shape.members.iter().map(|(_, r)| r.shape.clone()));
            for r in [&shape.member, &shape.key, &shape.value]
                .into_iter()
                .flatten()
            {
                stack.push(r.shape.clone());
            }
            seen.insert(name);
        }
        Ok(seen)
    }
}

/// Where [`Model::load_default`] looks: `api-models/rds/service-2.json` at the workspace root.
pub fn default_model_path() -> PathBuf {
    workspace_root().join("api-models/rds/service-2.json")
}

/// The workspace root, two levels above this crate.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .map_or_else(|| manifest_dir.join("../.."), Path::to_path_buf)
}

/// Deserializes a JSON object into `(key, value)` pairs, keeping document order.
fn ordered_members<'de, D>(deserializer: D) -> Result<Vec<(String, ShapeRef)>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Ordered;

    impl<'de> Visitor<'de> for Ordered {
        type Value = Vec<(String, ShapeRef)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of structure members")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = map.next_entry::<String, ShapeRef>()? {
                out.push(entry);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(Ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_model_order() {
        let model = Model::from_json(
            r#"{"metadata":{"protocol":"query","apiVersion":"1"},"operations":{},
                "shapes":{"S":{"type":"structure","members":{
                    "Zeta":{"shape":"Str"},"Alpha":{"shape":"Str","locationName":"A"}}},
                "Str":{"type":"string"}}}"#,
        )
        .unwrap();
        let s = model.shape("S").unwrap();
        let names: Vec<&str> = s.members.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Zeta", "Alpha"]);
        assert_eq!(serialized_name("Alpha", &s.members[1].1), "A");
    }

    #[test]
    fn loads_the_rds_model() {
        let model = Model::load_default().unwrap();
        assert_eq!(model.metadata.protocol, "query");
        let op = &model.operations["DescribeDBClusters"];
        assert_eq!(
            op.result_wrapper().as_deref(),
            Some("DescribeDBClustersResult")
        );
        assert!(model.operations["AddTagsToResource"].output.is_none());
    }
}
