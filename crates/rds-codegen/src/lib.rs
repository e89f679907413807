//! Code generation and response checking driven by the RDS service model.
//!
//! This crate reads botocore's `api-models/rds/service-2.json` and owns two things: the generator
//! that writes `crates/rds-api/src/generated.rs` (typed shapes, the request enum and the error
//! codes for an allowlist of operations), and a checker that validates XML response bodies
//! against the model. It is a build tool: nothing at runtime depends on it.

mod check;
mod generate;
mod layout;
pub mod model;
mod naming;

pub use check::check_response;
pub use generate::{
    generate, generate_for, generated_path, stats, Stats, ALLOWLIST, COMMON_ERRORS, HEADER,
};
pub use layout::rustfmt_mismatch;
pub use model::Model;
pub use naming::{field_ident, snake_case};
