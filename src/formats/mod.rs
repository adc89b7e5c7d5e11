//! The directory in the formats other programs read: pure functions of the served directory,
//! no database and no HTTP. (Issue 15 moves the printed list here too.)

pub mod csv;
pub mod vcard;
