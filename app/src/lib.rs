//! 支部工作台 (Zhibu): records, rules, plugins and documents for grassroots Party-building work.
pub mod domain;
pub mod store;
