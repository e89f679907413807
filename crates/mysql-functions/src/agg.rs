//! Aggregates SQLite lacks: BIT_AND / BIT_OR / BIT_XOR and the standard deviation and variance
//! family, with MySQL's results (NULLs skipped; unsigned 64-bit bit aggregates).

use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;

use crate::value::to_f64;

/// The argument as MySQL's BIGINT UNSIGNED operand of a bit operation; None for NULL.
fn bits(v: ValueRef<'_>) -> Option<u64> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i as u64),
        ValueRef::Real(r) => Some(if r < 0.0 {
            r.round() as i64 as u64
        } else {
            r.round() as u64
        }),
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            let s = String::from_utf8_lossy(t);
            let p = crate::value::numeric_prefix(&s);
            Some(p.parse::<i64>().map(|i| i as u64).unwrap_or_else(|_| {
                let f: f64 = p.parse().unwrap_or(0.0);
                if f < 0.0 {
                    f.round() as i64 as u64
                } else {
                    f.round() as u64
                }
            }))
        }
    }
}

/// A BIGINT UNSIGNED result: INTEGER when it fits in i64, else its digits as TEXT.
fn unsigned(u: u64) -> Value {
    i64::try_from(u).map_or_else(|_| Value::Text(u.to_string()), Value::Integer)
}

struct BitAgg {
    init: u64,
    op: fn(u64, u64) -> u64,
}

impl Aggregate<u64, Value> for BitAgg {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<u64> {
        Ok(self.init)
    }
    fn step(&self, ctx: &mut Context<'_>, acc: &mut u64) -> rusqlite::Result<()> {
        if let Some(b) = bits(ctx.get_raw(0)) {
            *acc = (self.op)(*acc, b);
        }
        Ok(())
    }
    fn finalize(&self, _: &mut Context<'_>, acc: Option<u64>) -> rusqlite::Result<Value> {
        Ok(unsigned(acc.unwrap_or(self.init)))
    }
}

/// Welford's running mean and squared deviations.
#[derive(Default)]
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

struct VarAgg {
    sample: bool,
    sqrt: bool,
}

impl Aggregate<Moments, Value> for VarAgg {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Moments> {
        Ok(Moments::default())
    }
    fn step(&self, ctx: &mut Context<'_>, m: &mut Moments) -> rusqlite::Result<()> {
        let v = crate::value::owned(ctx.get_raw(0));
        if let Some(x) = to_f64(&v) {
            m.n += 1;
            let d = x - m.mean;
            m.mean += d / m.n as f64;
            m.m2 += d * (x - m.mean);
        }
        Ok(())
    }
    fn finalize(&self, _: &mut Context<'_>, m: Option<Moments>) -> rusqlite::Result<Value> {
        let Some(m) = m else { return Ok(Value::Null) };
        let div = if self.sample {
            m.n.saturating_sub(1)
        } else {
            m.n
        };
        if div == 0 {
            return Ok(Value::Null);
        }
        let var = (m.m2 / div as f64).max(0.0);
        Ok(Value::Real(if self.sqrt { var.sqrt() } else { var }))
    }
}

/// Registers the aggregates.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_aggregate_function(
        "bit_and",
        1,
        flags,
        BitAgg {
            init: u64::MAX,
            op: |a, b| a & b,
        },
    )?;
    conn.create_aggregate_function(
        "bit_or",
        1,
        flags,
        BitAgg {
            init: 0,
            op: |a, b| a | b,
        },
    )?;
    conn.create_aggregate_function(
        "bit_xor",
        1,
        flags,
        BitAgg {
            init: 0,
            op: |a, b| a ^ b,
        },
    )?;
    for (name, sample, sqrt) in [
        ("std", false, true),
        ("stddev", false, true),
        ("stddev_pop", false, true),
        ("stddev_samp", true, true),
        ("variance", false, false),
        ("var_pop", false, false),
        ("var_samp", true, false),
    ] {
        conn.create_aggregate_function(name, 1, flags, VarAgg { sample, sqrt })?;
    }
    Ok(())
}
