//! 支部工作台 (Zhibu) core: the records, where they are kept, the rules they are checked against,
//! imports, and the services that change them.
//!
//! Layers, top to bottom: [`services`] → [`rules`] / [`import`] / [`store`] → [`domain`].
//! This crate has no window, no plugin engine and no Word writer (a tidy test checks its
//! dependency tree), so its tests build in a fraction of the workspace's time.
//! See ARCHITECTURE.md for the map and the invariants.

pub mod domain;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod import;
pub mod rules;
pub mod services;
pub mod store;

#[cfg(test)]
mod tests;
