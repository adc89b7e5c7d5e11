//! Reading a SQLite file ahead at start-up, so that start-up's reads (B-tree pages from all
//! over the file) find it in the page cache. After the file was idle the kernel has often
//! dropped it; read page by page at random it then took twice as long as read whole (a
//! million units: ready after 16 s instead of 8.5 s; the file, 1.8 GB, reads in 1.5 s in
//! order). PostgreSQL keeps its own cache.
//!
//! The reading is done by **another process** (this binary, `kontaktnav read-ahead FILE`),
//! never by the serving process itself: on Linux, closing *any* descriptor of a file releases
//! *all* the POSIX advisory locks the process holds on it, SQLite's among them ("How To
//! Corrupt An SQLite Database File", 2.2). A server without its locks lets any other process
//! that opens and closes the file (a backup, `sqlite3 … 'select …'`) delete the live `-wal`
//! and `-shm` files, and acknowledged writes are lost. The serving process opens the file
//! through SQLite only; `tests/api/durability.rs` holds it to that.

use std::path::Path;
use std::process::{Command, Stdio};

use super::DatabaseLocation;

/// The hidden subcommand that reads a file ahead (see `main.rs`).
pub const SUBCOMMAND: &str = "read-ahead";

/// Starts `kontaktnav read-ahead FILE` for a SQLite file and lets it run beside start-up
/// (a thread waits for it, so that it leaves no zombie). Only a help: when it cannot start,
/// start-up reads the file page by page as it would anyway.
pub fn in_another_process(location: &DatabaseLocation) {
    let DatabaseLocation::SqliteFile(path) = location else {
        return;
    };
    if !path.exists() {
        return;
    }
    let child = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .arg(SUBCOMMAND)
            .arg(path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    });
    match child {
        Ok(mut child) => {
            let waiting = std::thread::Builder::new()
                .name("read-ahead".into())
                .spawn(move || child.wait());
            if let Err(e) = waiting {
                log::warn!("not waiting for the read-ahead process: {e}");
            }
        }
        Err(e) => log::warn!("not reading the database file ahead: {e}"),
    }
}

/// In the read-ahead process: reads `path` front to back and throws the bytes away. Never
/// call this in a process that holds SQLite connections to the file (see the module).
pub fn read_whole_file(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
