//! The customer-id interner's index: an open-addressing table of 12-byte slots.
//!
//! Why not hashbrown: its `find` touches a control-byte group and then a slot in a second
//! array — two cache misses per row once the table outgrows the cache (354k customers on the
//! 1M-line file). Here a slot carries the index and an 8-byte key, probing is linear, and a
//! lookup of a known id touches one cache line in the common case.
//!
//! The key holds short ids (≤ 8 bytes without NUL, e.g. `C0002035`, `17850`) exactly, so
//! those never touch the arena. Longer ids keep their last 7 bytes and the marker byte 0xFF,
//! which valid UTF-8 never contains: a long id's key never equals a short id's, and only a
//! key match of a long id reads the arena.
use foldhash::fast::FixedState;
use std::hash::BuildHasher;

use super::names::Names;

const EMPTY: u32 = u32::MAX;
const LONG: u64 = 0xFF << 56;

#[derive(Clone, Copy)]
struct Slot {
    /// Index into [`Names`]; [`EMPTY`] for a free slot (`Names::push` never hands it out).
    index: u32,
    /// The key's low and high halves (two `u32`s keep the slot at 12 bytes, align 4).
    lo: u32,
    hi: u32,
}

impl Slot {
    const FREE: Slot = Slot {
        index: EMPTY,
        lo: 0,
        hi: 0,
    };
    fn key(&self) -> u64 {
        self.lo as u64 | (self.hi as u64) << 32
    }
}

/// The key of a name, see the module docs.
fn key(name: &[u8]) -> u64 {
    let mut p = [0u8; 8];
    if name.len() <= 8 && !name.contains(&0) {
        p[..name.len()].copy_from_slice(name);
        return u64::from_le_bytes(p);
    }
    let tail = &name[name.len().saturating_sub(7)..];
    p[..tail.len()].copy_from_slice(tail);
    u64::from_le_bytes(p) | LONG
}

fn is_exact(key: u64) -> bool {
    key & LONG != LONG
}

/// Table size limits: start small, keep the load under 3/4 (linear probing degrades above).
const MIN_SLOTS: usize = 1024;

pub struct NameTable {
    slots: Vec<Slot>,
    /// 64 − log2(slots.len()): a hash's top bits pick the home slot.
    shift: u32,
    len: usize,
    hasher: FixedState,
}

impl Default for NameTable {
    fn default() -> Self {
        NameTable {
            slots: Vec::new(),
            shift: 64,
            len: 0,
            hasher: FixedState::default(),
        }
    }
}

impl NameTable {
    /// Short ids hash from the key alone (one folded multiply); long ids with foldhash.
    fn hash(&self, key: u64, name: &str) -> u64 {
        if is_exact(key) {
            let p = (key ^ 0x243F_6A88_85A3_08D3) as u128 * 0x9E37_79B9_7F4A_7C15u128;
            (p as u64) ^ (p >> 64) as u64
        } else {
            self.hasher.hash_one(name)
        }
    }

    fn home(&self, hash: u64) -> usize {
        hash.checked_shr(self.shift).unwrap_or(0) as usize
    }

    /// Reads the home slot of `name` and returns a value derived from it, so that a caller
    /// touching a batch of names has all their cache misses in flight at once (see `batch`).
    pub fn touch(&self, name: &str) -> u32 {
        let home = self.home(self.hash(key(name.as_bytes()), name));
        self.slots.get(home).map_or(0, |s| s.index)
    }

    /// The index of `name` in `names`, pushing it there on first sight; `None` when `names`
    /// is full (see [`Names::push`]).
    pub fn intern(&mut self, name: &str, names: &mut Names) -> Option<u32> {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow(names);
        }
        let key = key(name.as_bytes());
        let exact = is_exact(key);
        let mask = self.slots.len() - 1;
        let mut i = self.home(self.hash(key, name));
        loop {
            let s = self.slots[i];
            if s.index == EMPTY {
                let index = names.push(name)? as u32;
                self.slots[i] = Slot {
                    index,
                    lo: key as u32,
                    hi: (key >> 32) as u32,
                };
                self.len += 1;
                return Some(index);
            }
            if s.key() == key && (exact || &names[s.index as usize] == name) {
                return Some(s.index);
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the table. Short ids rehash from their slot; only long ones read the arena.
    fn grow(&mut self, names: &Names) {
        let n = (self.slots.len() * 2).max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Slot::FREE; n]);
        self.shift = 64 - n.trailing_zeros();
        let mask = n - 1;
        for s in old.into_iter().filter(|s| s.index != EMPTY) {
            let key = s.key();
            let name = match is_exact(key) {
                true => "",
                false => names.get(s.index as usize).unwrap_or_default(),
            };
            let mut i = self.home(self.hash(key, name));
            while self.slots[i].index != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_short_and_long_ids() {
        assert!(is_exact(key(b"C0002035")));
        assert!(is_exact(key(b"")));
        assert!(!is_exact(key(b"C00020351")));
        assert!(!is_exact(key(b"a\0")));
        assert_ne!(key(b"a"), key(b"a\0"));
        assert_eq!(key(b"x-1234567"), key(b"y-1234567"));
        assert_eq!(std::mem::size_of::<Slot>(), 12);
    }

    #[test]
    fn many_ids_survive_growth() {
        let (mut t, mut names) = (NameTable::default(), Names::default());
        let id = |i: u32| match i % 3 {
            0 => format!("{i}"),
            1 => format!("customer-{i:08}"),
            _ => format!("客{i}\0"),
        };
        for i in 0..5000 {
            assert_eq!(t.intern(&id(i), &mut names), Some(i));
        }
        for i in (0..5000).rev() {
            assert_eq!(t.intern(&id(i), &mut names), Some(i));
            assert_eq!(&names[i as usize], id(i));
        }
        assert_eq!(names.len(), 5000);
    }
}
