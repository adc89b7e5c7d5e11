//! HTTP tests of the whole service against a real SQLite database file per test.

mod auth;
mod database;
mod editing;
mod errors;
mod helpers;
mod lookup;
mod openapi;
mod reference;
mod units;
