//! A persistent array: what the directory keeps per unit, in chunks that snapshots share.
//!
//! Cloning copies only the list of chunk pointers (one per [`CHUNK`] elements); changing an
//! element copies its one chunk when another snapshot still holds it. Scans run over plain
//! slices, as fast as over a `Vec`, which is why this is not a tree (a persistent vector from a
//! crate walks a tree of 64-element leaves on every step of the scans `find` makes over every
//! unit).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
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

/// Shards of a [`ShardedMap`].
const SHARDS: usize = 1024;

/// A persistent hash map for as many entries as there are units: [`SHARDS`] ordinary hash maps
/// chosen by the key's hash, each shared between snapshots until a change copies it (about a
/// thousand entries at a million units). A quarter of the memory of a hash array mapped trie
/// (`imbl::HashMap` took 155 bytes an entry), and a lookup is one ordinary hash lookup.
#[derive(Debug)]
pub struct ShardedMap<K, V> {
    shards: Vec<Arc<HashMap<K, V>>>,
    /// Chooses the shard; the same for every snapshot of the map.
    hasher: RandomState,
}

impl<K, V> Clone for ShardedMap<K, V> {
    fn clone(&self) -> Self {
        Self {
            shards: self.shards.clone(),
            hasher: self.hasher.clone(),
        }
    }
}

impl<K, V> Default for ShardedMap<K, V> {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Arc::new(HashMap::new())).collect(),
            hasher: RandomState::new(),
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> ShardedMap<K, V> {
    fn shard(&self, key: &K) -> usize {
        (self.hasher.hash_one(key) % SHARDS as u64) as usize
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.shards[self.shard(key)].get(key)
    }

    pub fn insert(&mut self, key: K, value: V) {
        let shard = self.shard(&key);
        Arc::make_mut(&mut self.shards[shard]).insert(key, value);
    }

    pub fn remove(&mut self, key: &K) {
        let shard = self.shard(key);
        if self.shards[shard].contains_key(key) {
            Arc::make_mut(&mut self.shards[shard]).remove(key);
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> FromIterator<(K, V)> for ShardedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = Self::default();
        let mut shards: Vec<HashMap<K, V>> = (0..SHARDS).map(|_| HashMap::new()).collect();
        for (key, value) in items {
            shards[map.shard(&key)].insert(key, value);
        }
        map.shards = shards
            .into_iter()
            .map(|mut s| {
                s.shrink_to_fit();
                Arc::new(s)
            })
            .collect();
        map
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
        let map: ShardedMap<u32, u32> = (0..5000).map(|k| (k, k * 2)).collect();
        let mut changed = map.clone();
        changed.insert(7, 0);
        changed.insert(9000, 1);
        changed.remove(&8);
        assert_eq!(
            (map.get(&7), map.get(&8), map.get(&9000)),
            (Some(&14), Some(&16), None)
        );
        assert_eq!(
            (
                changed.get(&7),
                changed.get(&8),
                changed.get(&9000),
                changed.get(&4999)
            ),
            (Some(&0), None, Some(&1), Some(&9998))
        );
        let copied = (0..SHARDS)
            .filter(|s| !Arc::ptr_eq(&map.shards[*s], &changed.shards[*s]))
            .count();
        assert!(copied <= 3, "{copied}");
        let grown: Slots<u32> = (0..1024).collect();
        let mut g = grown.clone();
        g.push(1);
        assert_eq!((g.len(), g[1024], grown.len()), (1025, 1, 1024));
    }
}
