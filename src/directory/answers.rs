//! Ready-made answers: the bytes of recent read answers (a unit by id, a page of a search, a
//! lookup, a call-now), kept with the snapshot they were made from. A snapshot never changes,
//! so an answer made from it stays true for as long as the snapshot is served and the moment
//! it was made for is the same (the day; for "who answers now", the second, which the answer
//! names); the next snapshot starts without any. The key is everything else the answer depends
//! on: what was read, its parameters exactly as sent, whether the caller sees internal
//! numbers, that moment. Reading a busy unit or a common search then costs a lookup and a
//! send, not building and serialising the same views again (which was most of their time).

use std::hash::BuildHasher;
use std::sync::Mutex;

use bytes::Bytes;
use foldhash::HashMap;

/// At most this many answers per snapshot ...
const ENTRIES: usize = 8_192;
/// ... and at most this many bytes of them, parameters and bodies (then they are all dropped
/// and made again).
const BYTES: usize = 8 << 20;

/// What an answer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Read {
    /// `GET /v1/units/{id}`; the parameters are the id.
    Unit,
    /// `GET /v1/units`; the parameters are the query string.
    Units,
    /// `GET /v1/lookup`; the parameters are the query string.
    Lookup,
    /// `GET /v1/units/{id}/call-now`; the parameters are the id and the query string.
    CallNow,
}

/// The moment an answer was made for: it is the same answer all that day, or that second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Moment {
    /// A day in Europe/Stockholm.
    Day(chrono::NaiveDate),
    /// Seconds since 1970.
    Second(i64),
}

impl Moment {
    /// The same kind of moment, now.
    fn current(self) -> Self {
        match self {
            Self::Day(_) => Self::Day(crate::domain::today()),
            Self::Second(_) => Self::Second(chrono::Utc::now().timestamp()),
        }
    }
}

#[derive(Debug)]
struct Entry {
    read: Read,
    params: Box<str>,
    internal: bool,
    moment: Moment,
    body: Bytes,
}

/// The answers made from one snapshot (none when `keep` is off).
#[derive(Debug, Default)]
pub struct Answers {
    keep: bool,
    /// By the hash of the key (the entry holds the key itself, compared on every hit), with
    /// the bytes of all parameters and bodies.
    made: Mutex<(HashMap<u64, Entry>, usize)>,
    hasher: foldhash::fast::FixedState,
}

impl Answers {
    pub fn new(keep: bool) -> Self {
        Self {
            keep,
            ..Self::default()
        }
    }

    /// The answer to `read` with `params` for a caller who sees internal numbers or not, at
    /// `moment`: made before from this snapshot, or made now by `make` (and kept).
    pub fn get_or_make<E>(
        &self,
        read: Read,
        params: &str,
        internal: bool,
        moment: Moment,
        make: impl FnOnce() -> Result<Bytes, E>,
    ) -> Result<Bytes, E> {
        if !self.keep {
            return make();
        }
        let hash = self.hasher.hash_one((read, params, internal, moment));
        // A poisoned lock only means another request panicked while holding it; the map is
        // still a valid map.
        let made = || self.made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(e) = made().0.get(&hash)
            && e.read == read
            && *e.params == *params
            && e.internal == internal
            && e.moment == moment
        {
            return Ok(e.body.clone());
        }
        let body = make()?;
        if moment.current() != moment {
            // Made across midnight (or a second's end): parts of it may be of the next one.
            return Ok(body);
        }
        let mut made = made();
        let (map, bytes) = &mut *made;
        let size = params.len() + body.len();
        if map.len() >= ENTRIES || *bytes + size > BYTES {
            map.clear();
            *bytes = 0;
        }
        let entry = Entry {
            read,
            params: params.into(),
            internal,
            moment,
            body: body.clone(),
        };
        *bytes += size;
        if let Some(old) = map.insert(hash, entry) {
            *bytes -= old.params.len() + old.body.len();
        }
        Ok(body)
    }
}
