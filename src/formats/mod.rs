//! The directory in the formats other programs read: pure functions of the served directory,
//! no database and no HTTP.

pub mod csv;
pub mod ndjson;
pub mod phone_list;
pub mod vcard;
