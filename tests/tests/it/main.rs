//! The one integration test binary: across the crates (store → plugin → docx), the command line,
//! the window, backups and crashes, and the tidy checks. The core's own tests live in `zhibu-core`.
// Tests fail loudly on purpose: unwrap/expect report the failing step with its value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod committee;
mod export;
mod fuzz;
mod plugins;
mod safety;
mod tidy;
mod ui;
mod word_files;
mod word_templates;
