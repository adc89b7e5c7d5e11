//! HTTP tests of the whole service against a real database per test: a SQLite file, or a
//! fresh database on the PostgreSQL server that `TEST_DATABASE_URL` names (.ci/run runs the
//! suite both ways).

mod addresses;
mod answers;
mod auth;
mod callnow;
mod contract;
mod corrections;
mod database;
mod durability;
mod editing;
mod errors;
mod helpers;
mod history_storage;
mod incremental;
mod instances;
mod lookup;
mod numbers;
mod openapi;
mod periods;
mod reference;
mod reviews;
mod search_table;
mod server;
mod sync;
mod transfer;
mod units;
mod vocabulary;
mod web;
