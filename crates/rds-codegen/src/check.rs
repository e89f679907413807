//! The response checker: does an XML body say exactly what the model allows, in the form the
//! strictest SDK (Rust) parses?
//!
//! Success bodies must be `{Op}Response` for a model operation, with `{Op}Result` first when the
//! operation has an output, then `ResponseMetadata/RequestId`. Inside the result every element
//! must be a member of its shape with a value of the member's type. Error bodies must be
//! `ErrorResponse` with `Error/{Type,Code,Message}` and `RequestId`.

use std::collections::BTreeSet;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::model::{list_item_name, serialized_name, Model, ShapeKind};

/// Checks one response body against the model; `Err` lists every problem found, each prefixed
/// with the path of the offending element.
pub fn check_response(model: &Model, xml: &str) -> Result<(), Vec<String>> {
    let root = parse(xml).map_err(|e| vec![e])?;
    let mut checker = Checker {
        model,
        problems: Vec::new(),
    };
    checker.namespace(&root);
    if root.name == "ErrorResponse" {
        checker.error_response(&root);
    } else {
        checker.success_response(&root);
    }
    if checker.problems.is_empty() {
        Ok(())
    } else {
        Err(checker.problems)
    }
}

/// An element of the parsed body: local name, attributes, text and child elements.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn has_text(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// Reads the body into a tree; fails on malformed XML or more than one root.
fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let mut element = Element {
                    name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
                    ..Element::default()
                };
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|e| format!("malformed attribute: {e}"))?;
                    let value = attribute
                        .unescape_value()
                        .map_err(|e| format!("malformed attribute value: {e}"))?;
                    let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
                    element.attributes.push((key, value.into_owned()));
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(element);
                } else {
                    attach(&mut stack, &mut root, element)?;
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("unbalanced end tag")?;
                attach(&mut stack, &mut root, element)?;
            }
            Event::Text(text) => {
                let text = text.decode().map_err(|e| format!("bad text: {e}"))?;
                append_text(&mut stack, &text)?;
            }
            Event::CData(data) => {
                let text = data.decode().map_err(|e| format!("bad CDATA: {e}"))?;
                append_text(&mut stack, &text)?;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = reference.decode().map_err(|e| format!("bad entity: {e}"))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?
                            .to_owned()
                    }
                    Err(e) => return Err(format!("bad character reference: {e}")),
                };
                append_text(&mut stack, &resolved)?;
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("unclosed element at end of body".to_owned());
    }
    root.ok_or_else(|| "no root element".to_owned())
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err(format!("second root element <{}>", element.name)),
    }
    Ok(())
}

fn append_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(element) => element.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(format!("text outside the root element: {text:?}")),
    }
    Ok(())
}

struct Checker<'m> {
    model: &'m Model,
    problems: Vec<String>,
}

impl Checker<'_> {
    fn problem(&mut self, path: &str, message: impl std::fmt::Display) {
        self.problems.push(format!("{path}: {message}"));
    }

    /// The root must carry the service namespace as its default namespace.
    fn namespace(&mut self, root: &Element) {
        let Some(expected) = &self.model.metadata.xml_namespace else {
            return;
        };
        let found = root
            .attributes
            .iter()
            .find(|(k, _)| k == "xmlns")
            .map(|(_, v)| v.as_str());
        if found != Some(expected.as_str()) {
            self.problem(
                &root.name,
                format!("root namespace is {found:?}, expected {expected:?}"),
            );
        }
    }

    fn success_response(&mut self, root: &Element) {
        let path = root.name.as_str();
        let Some(op) = root
            .name
            .strip_suffix("Response")
            .and_then(|name| self.model.operations.get(name))
        else {
            self.problem(
                path,
                "root is neither ErrorResponse nor {Operation}Response for a model operation",
            );
            return;
        };
        self.no_text(path, root);
        let mut children = root.children.iter();
        if let (Some(wrapper), Some(output)) = (op.result_wrapper(), &op.output) {
            match children.next() {
                Some(result) if result.name == wrapper => {
                    let result_path = format!("{path}/{wrapper}");
                    self.structure(&result_path, result, &output.shape);
                    self.top_level_lists(&result_path, result, &output.shape);
                }
                Some(other) => {
                    self.problem(
                        path,
                        format!("first child is <{}>, expected <{wrapper}>", other.name),
                    );
                    return;
                }
                None => {
                    self.problem(path, format!("missing <{wrapper}>"));
                    return;
                }
            }
        }
        match children.next() {
            Some(meta) if meta.name == "ResponseMetadata" => {
                self.response_metadata(&format!("{path}/ResponseMetadata"), meta);
            }
            Some(other) => self.problem(
                path,
                format!("unexpected <{}>, expected <ResponseMetadata>", other.name),
            ),
            None => self.problem(path, "missing <ResponseMetadata>"),
        }
        for extra in children {
            self.problem(
                path,
                format!("unexpected <{}> after the metadata", extra.name),
            );
        }
    }

    fn response_metadata(&mut self, path: &str, meta: &Element) {
        self.no_text(path, meta);
        match meta.children.as_slice() {
            [id] if id.name == "RequestId" => self.request_id(&format!("{path}/RequestId"), id),
            _ => self.problem(path, "must contain exactly one <RequestId>"),
        }
    }

    fn request_id(&mut self, path: &str, id: &Element) {
        if !id.children.is_empty() || !id.has_text() {
            self.problem(path, "must be non-empty text");
        }
    }

    fn error_response(&mut self, root: &Element) {
        let path = "ErrorResponse";
        self.no_text(path, root);
        let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
        if names != ["Error", "RequestId"] {
            self.problem(
                path,
                format!("children are {names:?}, expected [\"Error\", \"RequestId\"]"),
            );
        }
        for child in &root.children {
            match child.name.as_str() {
                "Error" => self.error_element(&format!("{path}/Error"), child),
                "RequestId" => self.request_id(&format!("{path}/RequestId"), child),
                _ => {}
            }
        }
    }

    fn error_element(&mut self, path: &str, error: &Element) {
        self.no_text(path, error);
        let names: Vec<&str> = error.children.iter().map(|c| c.name.as_str()).collect();
        if names != ["Type", "Code", "Message"] {
            self.problem(
                path,
                format!("children are {names:?}, expected [\"Type\", \"Code\", \"Message\"]"),
            );
        }
        for child in &error.children {
            let child_path = format!("{path}/{}", child.name);
            if !child.children.is_empty() {
                self.problem(&child_path, "must be text, not elements");
            }
            match child.name.as_str() {
                "Type" if child.text != "Sender" && child.text != "Receiver" => {
                    self.problem(
                        &child_path,
                        format!("{:?} is neither Sender nor Receiver", child.text),
                    );
                }
                "Code" if !child.has_text() => self.problem(&child_path, "empty error code"),
                _ => {}
            }
        }
    }

    fn no_text(&mut self, path: &str, element: &Element) {
        if element.has_text() {
            self.problem(path, format!("unexpected text {:?}", element.text.trim()));
        }
    }

    /// Top-level lists of a result must be present even when empty: botocore's waiters take
    /// `length()` of them, which fails on a missing key.
    fn top_level_lists(&mut self, path: &str, result: &Element, shape_name: &str) {
        let Some(shape) = self.model.shapes.get(shape_name) else {
            return;
        };
        let mut missing = Vec::new();
        for (member_name, member) in &shape.members {
            let is_list = self
                .model
                .shapes
                .get(&member.shape)
                .is_some_and(|s| s.kind == ShapeKind::List);
            let name = serialized_name(member_name, member);
            if is_list && !result.children.iter().any(|c| c.name == name) {
                missing.push(name.to_owned());
            }
        }
        for name in missing {
            self.problem(
                path,
                format!("list <{name}> is missing (send <{name}/> if empty)"),
            );
        }
    }

    fn structure(&mut self, path: &str, element: &Element, shape_name: &str) {
        let Some(shape) = self.model.shapes.get(shape_name) else {
            self.problem(path, format!("shape {shape_name} is not in the model"));
            return;
        };
        self.no_text(path, element);
        let mut seen = BTreeSet::new();
        for child in &element.children {
            let child_path = format!("{path}/{}", child.name);
            let member = shape
                .members
                .iter()
                .find(|(name, member)| serialized_name(name, member) == child.name);
            let Some((_, member)) = member else {
                self.problem(&child_path, format!("not a member of shape {shape_name}"));
                continue;
            };
            if !seen.insert(child.name.as_str()) {
                self.problem(&child_path, "appears more than once");
            }
            self.value(&child_path, child, &member.shape);
        }
    }

    fn value(&mut self, path: &str, element: &Element, shape_name: &str) {
        let Some(shape) = self.model.shapes.get(shape_name) else {
            self.problem(path, format!("shape {shape_name} is not in the model"));
            return;
        };
        match shape.kind {
            ShapeKind::Structure => self.structure(path, element, shape_name),
            ShapeKind::List => {
                self.no_text(path, element);
                let item_name = list_item_name(shape);
                let Some(item) = &shape.member else {
                    return;
                };
                for (i, child) in element.children.iter().enumerate() {
                    let child_path = format!("{path}/{}[{}]", child.name, i + 1);
                    if child.name == item_name {
                        self.value(&child_path, child, &item.shape);
                    } else {
                        self.problem(&child_path, format!("list item must be <{item_name}>"));
                    }
                }
            }
            ShapeKind::Map => {
                self.no_text(path, element);
                let key_name = entry_name(shape.key.as_ref(), "key");
                let value_name = entry_name(shape.value.as_ref(), "value");
                for (i, entry) in element.children.iter().enumerate() {
                    let entry_path = format!("{path}/{}[{}]", entry.name, i + 1);
                    let names: Vec<&str> = entry.children.iter().map(|c| c.name.as_str()).collect();
                    if entry.name != "entry" || names != [key_name, value_name] {
                        self.problem(
                            &entry_path,
                            format!(
                                "map entries must be <entry><{key_name}/><{value_name}/></entry>"
                            ),
                        );
                    }
                }
            }
            kind => self.scalar(path, element, kind),
        }
    }

    fn scalar(&mut self, path: &str, element: &Element, kind: ShapeKind) {
        if !element.children.is_empty() {
            self.problem(path, format!("a {} cannot contain elements", kind.as_str()));
            return;
        }
        let text = element.text.as_str();
        if text.is_empty() && !matches!(kind, ShapeKind::String | ShapeKind::Blob) {
            self.problem(
                path,
                format!(
                    "empty element for a {}; omit the element instead",
                    kind.as_str()
                ),
            );
            return;
        }
        let valid = match kind {
            ShapeKind::Integer => text.parse::<i32>().is_ok(),
            ShapeKind::Long => text.parse::<i64>().is_ok(),
            ShapeKind::Double | ShapeKind::Float => text.parse::<f64>().is_ok(),
            ShapeKind::Boolean => text == "true" || text == "false",
            ShapeKind::Timestamp => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            _ => true,
        };
        if !valid {
            let expected = match kind {
                ShapeKind::Boolean => "exactly true or false",
                ShapeKind::Timestamp => "RFC 3339 with Z or an offset",
                other => other.as_str(),
            };
            self.problem(
                path,
                format!("{text:?} is not a valid value: expected {expected}"),
            );
        }
    }
}

fn entry_name<'s>(member: Option<&'s crate::model::ShapeRef>, default: &'s str) -> &'s str {
    member
        .and_then(|m| m.location_name.as_deref())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_resolved_and_second_roots_rejected() {
        let root = parse("<a>x &amp; &#65;<b/></a>").unwrap();
        assert_eq!(root.text, "x & A");
        assert_eq!(root.children[0].name, "b");
        assert!(parse("<a/><b/>").unwrap_err().contains("second root"));
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("").unwrap_err().contains("no root"));
    }
}
