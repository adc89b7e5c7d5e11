//! A persistent array: what the directory keeps per unit, in chunks that snapshots share.
//!
//! Cloning copies only the list of chunk pointers (one per [`CHUNK`] elements); changing an
//! element copies its one chunk when another snapshot still holds it. Scans run over plain
//! slices, as fast as over a `Vec`, which is why this is not a tree (a persistent vector from a
//! crate walks a tree of 64-element leaves on every step of the scans `find` makes over every
//! unit).

use std::sync::Arc;

/// Elements per chunk: a write copies this many (pointers or small structs) at most.
const CHUNK: usize = 1024;

#[derive(Debug)]
pub struct Slots<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Clone for Slots<T> {
    fn clone(&self) -> Self {
        Self {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slots<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    /// In slot order.
    pub fn iter(&self) -> impl Iterator<Item = &T> + Clone {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

impl<T: Clone> Slots<T> {
    /// Replaces slot `i` (which must exist).
    pub fn set(&mut self, i: usize, value: T) {
        if let Some(chunk) = self.chunks.get_mut(i / CHUNK)
            && let Some(slot) = Arc::make_mut(chunk).get_mut(i % CHUNK)
        {
            *slot = value;
        }
    }

    /// Adds a slot at the end; returns its number.
    pub fn push(&mut self, value: T) -> usize {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Arc::make_mut(last).push(value),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(value);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len += 1;
        self.len - 1
    }
}

impl<T> std::ops::Index<usize> for Slots<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T> FromIterator<T> for Slots<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut slots = Self::default();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let chunk: Vec<T> = items.by_ref().take(CHUNK).collect();
            slots.len += chunk.len();
            slots.chunks.push(Arc::new(chunk));
        }
        slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_copies_one_chunk_and_leaves_the_other_snapshot_as_it_was() {
        let before: Slots<u32> = (0..3000).collect();
        let mut after = before.clone();
        after.set(1500, 7);
        let at = after.push(42);
        assert_eq!(at, 3000);
        assert_eq!((before[1500], after[1500], after[3000]), (1500, 7, 42));
        assert_eq!(before.len(), 3000);
        assert_eq!(after.len(), 3001);
        assert!(Arc::ptr_eq(&after.chunks[0], &before.chunks[0]));
        assert!(!Arc::ptr_eq(&after.chunks[1], &before.chunks[1]));
        assert_eq!(after.iter().filter(|v| **v == 7).count(), 2);
        let grown: Slots<u32> = (0..1024).collect();
        let mut g = grown.clone();
        g.push(1);
        assert_eq!((g.len(), g[1024], grown.len()), (1025, 1, 1024));
    }
}
