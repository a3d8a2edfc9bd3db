//! Shared fixtures for the end-to-end tests: the core's fixtures (a throwaway database with a
//! small organization tree and helpers that build valid records), so each test states only what it
//! is about.

pub use zhibu_core::fixtures::*;
