//! The core's own tests: migrations on empty and old databases, store round trips, validation,
//! the rules at their boundaries, the demo generator and roster imports. They build without the
//! plugin engine, the window or the Word writer (`cargo test -p zhibu-core`).
// Tests fail loudly on purpose: unwrap/expect report the failing step with its value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod appraisal;
mod corrections;
mod demo;
mod dues;
mod import;
mod migrations;
mod overview;
mod rating;
mod register;
mod rules;
mod store;
mod summaries;
mod sync;
mod validation;
