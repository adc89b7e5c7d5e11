//! HTTP tests of the whole service against a real SQLite database file per test.

mod database;
mod errors;
mod helpers;
mod lookup;
mod openapi;
mod reference;
mod units;
