//! Line layout that matches rustfmt's defaults, so the generated file is formatted as written.
//!
//! The generator only emits a handful of constructs; for each, this module picks the one-line
//! form when rustfmt would keep it (total width at most 100, call arguments at most 60) and
//! rustfmt's broken form otherwise. The staleness test runs rustfmt over the output to prove it.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// rustfmt's `max_width`.
const MAX_WIDTH: usize = 100;
/// rustfmt's `fn_call_width`: wider argument lists go one per line.
const CALL_WIDTH: usize = 60;

/// Appends `indent` spaces, then `text`, then a newline.
pub fn line(out: &mut String, indent: usize, text: &str) {
    if text.is_empty() {
        out.push('\n');
    } else {
        let _ = writeln!(out, "{:indent$}{text}", "");
    }
}

/// Appends `head(args...)tail`: one line when it fits, else one argument per line.
/// Also used for tuples, with an empty `head`.
pub fn call(out: &mut String, indent: usize, head: &str, args: &[String], tail: &str) {
    let joined = args.join(", ");
    let width = indent + head.len() + joined.len() + 2 + tail.len();
    if joined.len() <= CALL_WIDTH && width <= MAX_WIDTH {
        line(out, indent, &format!("{head}({joined}){tail}"));
    } else {
        line(out, indent, &format!("{head}("));
        for arg in args {
            line(out, indent + 4, &format!("{arg},"));
        }
        line(out, indent, &format!("){tail}"));
    }
}

/// Appends `head` + items + `tail` on one line and returns true when rustfmt would keep the
/// array literal there (items at most 60 wide, line at most 100); otherwise appends nothing.
pub fn array(out: &mut String, indent: usize, head: &str, items: &[String], tail: &str) -> bool {
    let joined = items.join(", ");
    let fits =
        joined.len() <= CALL_WIDTH && indent + head.len() + joined.len() + tail.len() <= MAX_WIDTH;
    if fits {
        line(out, indent, &format!("{head}{joined}{tail}"));
    }
    fits
}

/// Compares `text` with what `rustfmt --edition 2021` makes of it. `Ok(None)`: identical;
/// `Ok(Some(..))`: the first differing line; `Err`: rustfmt could not be run.
pub fn rustfmt_mismatch(text: &str) -> Result<Option<String>, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot feed rustfmt: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    if !output.status.success() {
        return Ok(Some(format!(
            "rustfmt rejected the code: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let formatted = String::from_utf8_lossy(&output.stdout);
    let mismatch = text
        .lines()
        .zip(formatted.lines())
        .enumerate()
        .find(|(_, (ours, theirs))| ours != theirs)
        .map(|(i, (ours, theirs))| {
            format!(
                "line {} differs from rustfmt:\n  ours:    {ours}\n  rustfmt: {theirs}",
                i + 1
            )
        });
    Ok(mismatch.or_else(|| {
        (text.lines().count() != formatted.lines().count())
            .then(|| "rustfmt output has a different number of lines".to_owned())
    }))
}

/// Appends the match arm `pattern => expr,`, or the block form when it does not fit.
pub fn arm(out: &mut String, indent: usize, pattern: &str, expr: &str) {
    let one_line = format!("{pattern} => {expr},");
    if indent + one_line.len() <= MAX_WIDTH {
        line(out, indent, &one_line);
    } else {
        line(out, indent, &format!("{pattern} => {{"));
        line(out, indent + 4, expr);
        line(out, indent, "}");
    }
}

/// Appends the struct field `pub name: Type,`, with the type on its own line when too wide.
pub fn field(out: &mut String, indent: usize, name: &str, ty: &str) {
    let one_line = format!("pub {name}: {ty},");
    if indent + one_line.len() <= MAX_WIDTH {
        line(out, indent, &one_line);
    } else {
        line(out, indent, &format!("pub {name}:"));
        line(out, indent + 4, &format!("{ty},"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_argument_lists_break() {
        let mut out = String::new();
        call(&mut out, 8, "f", &["a".into(), "b".into()], ";");
        let long = "x".repeat(58);
        call(&mut out, 8, "f", &["a".into(), format!("\"{long}\"")], ";");
        assert_eq!(
            out,
            format!("        f(a, b);\n        f(\n            a,\n            \"{long}\",\n        );\n")
        );
    }

    #[test]
    fn wide_arms_and_fields_break() {
        let mut out = String::new();
        arm(&mut out, 0, "A", "1");
        arm(&mut out, 90, "A", "12345");
        field(&mut out, 90, "a", "Vec<u8>");
        assert!(out.starts_with("A => 1,\n"));
        assert!(out.contains("A => {\n"));
        assert!(out.ends_with(&format!("{:90}pub a:\n{:94}Vec<u8>,\n", "", "")));
    }
}
