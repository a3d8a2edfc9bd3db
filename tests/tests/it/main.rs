//! The one integration test binary: store, rules, demo data, command line, the window and tidy checks.
// Tests fail loudly on purpose: unwrap/expect report the failing step with its value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod demo;
mod export;
mod fuzz;
mod import;
mod migrations;
mod plugins;
mod rules;
mod safety;
mod store;
mod tidy;
mod ui;
mod validation;
