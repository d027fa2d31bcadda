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
//!
//! The slots live in segments of 4,096 (48 KiB), not one array: when the table
//! doubles, the old segments are freed *before* the new ones are allocated (the table is
//! rebuilt from the arena), and the new segments reuse their space. In wasm a freed block
//! never leaves linear memory, and a doubling array cost the sum of all its sizes (11.5 MiB
//! for a final 6 MiB table on the 1M-line file); segments cost about the final size. A slot
//! is found through one more load, from a segment list that stays in L1.
use foldhash::fast::FixedState;
use std::hash::BuildHasher;

use super::name_arena::NameArena;

const EMPTY: u32 = u32::MAX;
const LONG: u64 = 0xFF << 56;

#[derive(Clone, Copy)]
struct Slot {
    /// Index into the [`NameArena`]; [`EMPTY`] for a free slot (`push` never hands it out).
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

/// The key of a name, see the module docs. An 8-byte id (the common length) is one load
/// and a word-wide NUL test, not a byte loop and a copy.
fn key(name: &[u8]) -> u64 {
    if let Ok(bytes) = <[u8; 8]>::try_from(name) {
        let v = u64::from_le_bytes(bytes);
        let has_nul = v.wrapping_sub(0x0101_0101_0101_0101) & !v & 0x8080_8080_8080_8080 != 0;
        if !has_nul {
            return v;
        }
    } else if name.len() < 8 && !name.contains(&0) {
        return name.iter().rev().fold(0, |v, &b| v << 8 | b as u64);
    }
    let mut p = [0u8; 8];
    let tail = &name[name.len().saturating_sub(7)..];
    p[..tail.len()].copy_from_slice(tail);
    u64::from_le_bytes(p) | LONG
}

fn is_exact(key: u64) -> bool {
    key & LONG != LONG
}

/// log2 of the slots in a segment (4,096 × 12 bytes = 48 KiB).
const SEGMENT_BITS: u32 = 12;
const SEGMENT: usize = 1 << SEGMENT_BITS;
/// Table size limits: start with one segment, keep the load under 3/4 (linear probing
/// degrades above).
const MIN_SLOTS: usize = SEGMENT;

pub struct NameTable {
    /// Slot `i` is `segments[i >> SEGMENT_BITS][i % SEGMENT]`; each holds `SEGMENT` slots.
    segments: Vec<Box<[Slot]>>,
    /// Slots in all (a power of two, a multiple of `SEGMENT`).
    slots: usize,
    /// 64 − log2(slots): a hash's top bits pick the home slot.
    shift: u32,
    len: usize,
    hasher: FixedState,
}

impl Default for NameTable {
    fn default() -> Self {
        NameTable {
            segments: Vec::new(),
            slots: 0,
            shift: 64,
            len: 0,
            hasher: FixedState::default(),
        }
    }
}

impl NameTable {
    /// Short ids hash from the key alone (one folded multiply); long ids with foldhash.
    fn hash(&self, key: u64, name: &[u8]) -> u64 {
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

    /// Slot `i`, for `i < slots` (every caller masks its index with `slots - 1`).
    fn slot(&self, i: usize) -> &Slot {
        &self.segments[i >> SEGMENT_BITS][i % SEGMENT]
    }

    fn slot_mut(&mut self, i: usize) -> &mut Slot {
        &mut self.segments[i >> SEGMENT_BITS][i % SEGMENT]
    }

    /// Reads the home slot of `name` and returns a value derived from it, so that a caller
    /// touching a batch of names has all their cache misses in flight at once (see `batch`).
    pub fn touch(&self, name: &str) -> u32 {
        let home = self.home(self.hash(key(name.as_bytes()), name.as_bytes()));
        match self.slots {
            0 => 0,
            _ => self.slot(home).index,
        }
    }

    /// The index of `name` in `names`, pushing it there on first sight; `None` when `names`
    /// is full (see [`NameArena::push`]).
    pub fn intern(&mut self, name: &str, names: &mut NameArena) -> Option<u32> {
        if (self.len + 1) * 4 > self.slots * 3 {
            self.grow(names);
        }
        let key = key(name.as_bytes());
        let exact = is_exact(key);
        let mask = self.slots - 1;
        let mut i = self.home(self.hash(key, name.as_bytes()));
        // Linear probing, one segment at a time (its slice is looked up once).
        let free = 'probe: loop {
            let segment = i >> SEGMENT_BITS;
            for (k, s) in self.segments[segment][i % SEGMENT..].iter().enumerate() {
                if s.index == EMPTY {
                    break 'probe i + k;
                }
                if s.key() == key && (exact || names.eq(s.index as usize, name)) {
                    return Some(s.index);
                }
            }
            i = ((segment + 1) << SEGMENT_BITS) & mask;
        };
        let index = names.push(name)?;
        *self.slot_mut(free) = Slot {
            index,
            lo: key as u32,
            hi: (key >> 32) as u32,
        };
        self.len += 1;
        Some(index)
    }

    /// Doubles the table, rebuilt from the arena: the old segments are freed first, so the
    /// new ones can take their place (see the module docs). Reading the arena is sequential;
    /// short ids hash from their key alone, as in a lookup.
    fn grow(&mut self, names: &NameArena) {
        let n = (self.slots * 2).max(MIN_SLOTS);
        self.segments = Vec::new();
        self.segments = (0..n / SEGMENT)
            .map(|_| vec![Slot::FREE; SEGMENT].into_boxed_slice())
            .collect();
        self.slots = n;
        self.shift = 64 - n.trailing_zeros();
        let mask = n - 1;
        names.each(|index, name| {
            let key = key(name);
            let mut i = self.home(self.hash(key, name));
            while self.slot(i).index != EMPTY {
                i = (i + 1) & mask;
            }
            *self.slot_mut(i) = Slot {
                index,
                lo: key as u32,
                hi: (key >> 32) as u32,
            };
        });
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
        assert!(
            !is_exact(key(b"abc\0efgh")),
            "8 bytes with a NUL are not exact"
        );
        assert_eq!(key(b"C0002035"), u64::from_le_bytes(*b"C0002035"));
        assert_eq!(key(b"1785"), u64::from_le_bytes(*b"1785\0\0\0\0"));
        assert_ne!(key(b"a"), key(b"a\0"));
        assert_eq!(key(b"x-1234567"), key(b"y-1234567"));
        assert_eq!(std::mem::size_of::<Slot>(), 12);
    }

    #[test]
    fn many_ids_survive_growth() {
        let (mut t, mut names) = (NameTable::default(), NameArena::default());
        let id = |i: u32| match i % 3 {
            0 => format!("{i}"),
            1 => format!("customer-{i:08}"),
            _ => format!("客{i}\0"),
        };
        // 50,000 ids: the table doubles five times, to 32 segments.
        for i in 0..50_000 {
            assert_eq!(t.intern(&id(i), &mut names), Some(i));
        }
        assert_eq!(t.segments.len(), 32);
        for i in (0..50_000).rev() {
            assert_eq!(t.intern(&id(i), &mut names), Some(i));
            assert!(names.eq(i as usize, &id(i)));
        }
        assert_eq!(names.len(), 50_000);
    }
}
