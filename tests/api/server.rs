//! The real service binary, started as a process of its own and spoken to over HTTP on
//! loopback: for what only a separate process shows (several instances, a database that goes
//! away, file locks, kill -9).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_kontaktnav");

/// The binary the processes run: this build's, or `KONTAKTNAV_BIN` (to measure another build,
/// an earlier commit say, with the same benchmark).
pub fn bin() -> String {
    std::env::var("KONTAKTNAV_BIN").unwrap_or_else(|_| BIN.to_owned())
}
pub const SECRET: &str = "a shared secret for every instance of this test run";

/// A running service process, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn start(database_url: &str) -> Server {
    start_with_workers(database_url, 1)
}

pub fn start_with_workers(database_url: &str, workers: usize) -> Server {
    let address = format!("127.0.0.1:{}", free_port());
    let child = Command::new(bin())
        .env("DATABASE_URL", database_url)
        .env("BIND", &address)
        .env("AUTH_SECRET", SECRET)
        .env("DEMO_DATA", "true")
        .env("WORKERS", workers.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start the service");
    let server = Server { child, address };
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.call("GET", "/readyz", None, None).ok().map(|r| r.status) != Some(200) {
        assert!(Instant::now() < deadline, "the service did not become ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

pub fn token() -> String {
    let out = Command::new(bin())
        .args([
            "token",
            "--sub",
            "instances-test",
            "--role",
            "admin",
            "--ttl",
            "10m",
        ])
        .env("AUTH_SECRET", SECRET)
        .output()
        .expect("kontaktnav token");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// One HTTP/1.1 request on its own connection. A client that waits at most 30 s, so a
    /// service that hangs fails the test instead of stalling it.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Value)>,
    ) -> std::io::Result<Reply> {
        let mut stream = TcpStream::connect(&self.address)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.address
        );
        if let Some(token) = token {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        let payload = body.as_ref().map(|(_, b)| b.to_string()).unwrap_or_default();
        if let Some((etag, _)) = &body {
            request.push_str(&format!(
                "If-Match: {etag}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
                payload.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(&payload);
        stream.write_all(request.as_bytes())?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        Ok(Reply {
            status,
            headers,
            body: serde_json::from_str(body).unwrap_or(Value::Null),
        })
    }

    /// One request with a body of any type, its answer as text (a CSV export, an import);
    /// waits as long as a large import takes.
    pub fn raw(&self, method: &str, path: &str, token: &str, body: Option<(&str, &str)>) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(900)))
            .expect("timeout");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n",
            self.address
        );
        if let Some((content_type, body)) = body {
            request.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            request.push_str("\r\n");
        }
        stream.write_all(request.as_bytes()).expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("answer");
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        // A chunked answer: the chunks' sizes are dropped.
        let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
        let body = if chunked { unchunk(body) } else { body.to_owned() };
        (status, body)
    }

    pub fn get(&self, path: &str, token: &str) -> Reply {
        self.call("GET", path, Some(token), None).expect("GET")
    }

    pub fn patch(&self, path: &str, token: &str, etag: &str, body: Value) -> Reply {
        self.call("PATCH", path, Some(token), Some((etag, body)))
            .expect("PATCH")
    }
}

/// The body of a chunked HTTP/1.1 answer.
fn unchunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}
