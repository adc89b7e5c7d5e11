//! kontaktnav: a contact directory with a one-way-in lookup for health and social care in Borås.

pub mod auth;
pub mod db;
pub mod directory;
pub mod domain;
pub mod error;
pub mod formats;
pub mod openapi;
pub mod routes;
pub mod service;
pub mod settings;
pub mod startup;
pub mod state;
pub mod transfer;
pub mod watch;
pub mod web;
