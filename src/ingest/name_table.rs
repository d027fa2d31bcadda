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
//!
//! The hash is keyed from the data ([`super::seeded`]): with fixed keys, ids crafted to share
//! a home slot made every insert probe the whole cluster (quadratic ingest). As a second line,
//! an insert that lands more than [`MAX_DISPLACEMENT`] slots from home (which random ids do
//! with a probability far below 10⁻³⁰ at this load) rebuilds the table with new keys, at most
//! [`MAX_RESEEDS`] times per table size.
use super::name_arena::NameArena;
use super::seeded::Keys;

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

/// Slots past its home beyond which an insert rebuilds the table with new keys.
pub const MAX_DISPLACEMENT: usize = 512;
/// Rebuilds with new keys allowed per table size (then the table keeps probing: correct,
/// only slower).
const MAX_RESEEDS: u32 = 4;

pub struct NameTable {
    /// Slot `i` is `segments[i >> SEGMENT_BITS][i % SEGMENT]`; each holds `SEGMENT` slots.
    segments: Vec<Box<[Slot]>>,
    /// Slots in all (a power of two, a multiple of `SEGMENT`).
    slots: usize,
    /// 64 − log2(slots): a hash's top bits pick the home slot.
    shift: u32,
    len: usize,
    seed: u64,
    keys: Keys,
    /// Rebuilds with new keys at the current size.
    reseeds: u32,
}

impl Default for NameTable {
    fn default() -> Self {
        NameTable::with_seed(0)
    }
}

impl NameTable {
    /// An empty table hashing with keys from `seed` (see [`super::seeded::seed_of`]).
    pub fn with_seed(seed: u64) -> Self {
        NameTable {
            segments: Vec::new(),
            slots: 0,
            shift: 64,
            len: 0,
            seed,
            keys: Keys::new(seed),
            reseeds: 0,
        }
    }

    /// Short ids hash from the key alone (one folded multiply); long ids word by word.
    fn hash(&self, key: u64, name: &[u8]) -> u64 {
        if is_exact(key) {
            self.keys.word(key)
        } else {
            self.keys.bytes(name)
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
        let home = self.home(self.hash(key, name.as_bytes()));
        let mut i = home;
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
        if free.wrapping_sub(home) & mask > MAX_DISPLACEMENT && self.reseeds < MAX_RESEEDS {
            self.reseeds += 1;
            self.seed = self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            self.keys = Keys::new(self.seed);
            self.rebuild(self.slots, names);
        }
        Some(index)
    }

    /// Doubles the table (see [`NameTable::rebuild`]).
    fn grow(&mut self, names: &NameArena) {
        self.reseeds = 0;
        self.rebuild((self.slots * 2).max(MIN_SLOTS), names);
    }

    /// Rebuilds the table with `n` slots from the arena: the old segments are freed first,
    /// so the new ones can take their place (see the module docs). Reading the arena is
    /// sequential; short ids hash from their key alone, as in a lookup.
    fn rebuild(&mut self, n: usize, names: &NameArena) {
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

    /// The largest distance of an id from its home slot: the longest probe of a lookup.
    #[cfg(test)]
    pub fn max_displacement(&self, names: &NameArena) -> usize {
        let mask = self.slots.wrapping_sub(1);
        let mut max = 0;
        names.each(|index, name| {
            let mut i = self.home(self.hash(key(name), name));
            let mut d = 0;
            while self.slot(i).index != index {
                i = (i + 1) & mask;
                d += 1;
            }
            max = max.max(d);
        });
        max
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

    /// The hash this table used before it was keyed from the data: foldhash's fixed state
    /// for long ids, a fixed folded multiply for short ones. Ids are crafted against it here
    /// as an attacker would: offline, by keeping those whose hash has the same top bits.
    fn fixed_hash(name: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        let key = key(name);
        if is_exact(key) {
            let p = (key ^ 0x243F_6A88_85A3_08D3) as u128 * 0x9E37_79B9_7F4A_7C15u128;
            (p as u64) ^ (p >> 64) as u64
        } else {
            foldhash::fast::FixedState::default().hash_one(name)
        }
    }

    /// `n` ids of the form `{prefix}{i}` whose fixed hash has its top `bits` bits zero: at
    /// any table size up to 2^bits slots they all share one home.
    pub(crate) fn crafted_ids(n: usize, prefix: &str, bits: u32) -> Vec<String> {
        (0u64..)
            .map(|i| format!("{prefix}{i}"))
            .filter(|id| fixed_hash(id.as_bytes()) >> (64 - bits) == 0)
            .take(n)
            .collect()
    }

    #[test]
    fn crafted_ids_do_not_cluster() {
        // 6,000 ids: the table ends at 8,192 slots (2^13), all homes would be slot 0.
        for (prefix, what) in [("user-", "long ids"), ("", "short ids")] {
            let ids = crafted_ids(6_000, prefix, 13);
            let seed = super::super::seeded::seed_of(ids.concat().as_bytes());
            let (mut t, mut names) = (NameTable::with_seed(seed), NameArena::default());
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(t.intern(id, &mut names), Some(i as u32));
            }
            assert_eq!(t.slots, 8_192);
            // Under the fixed hash every id would sit in one run of 6,000 slots; keyed from
            // the data they scatter like random ids (the longest probe is a few dozen).
            let max = t.max_displacement(&names);
            assert!(max < 100, "{what}: longest probe {max}");
            assert_eq!(t.reseeds, 0, "{what}: no rebuild was needed");
        }
    }

    #[test]
    fn a_long_probe_rebuilds_with_new_keys() {
        // Ids crafted against the table's own keys (which an attacker cannot know: they come
        // from the whole file): after MAX_DISPLACEMENT the table rebuilds with other keys.
        let keys = Keys::new(1);
        let ids: Vec<String> = (0u64..)
            .map(|i| format!("user-{i}"))
            .filter(|id| keys.bytes(id.as_bytes()) >> 52 == 0)
            .take(3_000)
            .collect();
        let (mut t, mut names) = (NameTable::with_seed(1), NameArena::default());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.intern(id, &mut names), Some(i as u32));
        }
        assert_eq!((t.slots, t.reseeds), (4_096, 1));
        assert!(t.max_displacement(&names) < 100);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.intern(id, &mut names), Some(i as u32), "found again");
        }
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
