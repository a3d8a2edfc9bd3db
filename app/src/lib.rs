//! 支部工作台 (Zhibu): records, rules, plugins and documents for grassroots Party-building work.
//!
//! Layers, top to bottom: [`cli`] → [`services`] → [`rules`] / [`store`] → [`domain`].
//! See ARCHITECTURE.md for the map and the invariants.

pub mod cli;
pub mod domain;
pub mod export;
pub mod import;
pub mod plugin_host;
pub mod rules;
pub mod services;
pub mod store;
pub mod ui;
