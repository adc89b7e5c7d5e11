//! The directory in the formats other programs read: pure functions of the served directory,
//! no database and no HTTP. (Issue 15 moves the CSV file and the printed list here too.)

pub mod vcard;
