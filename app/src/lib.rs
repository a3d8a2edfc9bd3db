//! 支部工作台 (Zhibu): the window and the command line over the layers below.
//!
//! [`ui`] (egui) and [`cli`] (clap) call the services of `zhibu-core` (records, rules, imports,
//! backups, the demo) and `zhibu-report` (templates, documents, Word export). anyhow lives here
//! only. See ARCHITECTURE.md for the map and the invariants.

pub mod cli;
pub mod rollup;
pub mod ui;
