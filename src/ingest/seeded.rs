//! Hashing that crafted ids cannot flood, seeded from the data.
//!
//! Customer ids (and date texts) can come from outsiders, e.g. the usernames of a CRM that
//! embeds crm-lens. With a hash whose keys are fixed, anyone can compute offline thousands of
//! ids that land in one slot of the id table: ingest turned quadratic (114 s for 200k crafted
//! ids against 2.25 s). Here every multiplier and offset is derived from a hash of the whole
//! input, so colliding ids would have to be found for keys that change with every byte of the
//! file that carries them. The keys never reach the output (ids are numbered in order of
//! appearance), so the Report stays the same for the same file on every target.
use std::hash::{BuildHasher, Hasher};

/// The folded multiply of wyhash/foldhash: the 128-bit product's halves XORed.
fn fold(a: u64, b: u64) -> u64 {
    let p = a as u128 * b as u128;
    p as u64 ^ (p >> 64) as u64
}

/// SplitMix64's finaliser: spreads a seed into independent-looking keys.
fn split_mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash seed from the input bytes: a fixed-key hash of all of them (about 10 GB/s).
pub fn seed_of(bytes: &[u8]) -> u64 {
    use foldhash::fast::FixedState;
    FixedState::with_seed(0x6372_6d2d_6c65_6e73).hash_one(bytes)
}

/// The keys of one seed.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    k0: u64,
    /// Odd, so the multiply is a bijection of the word.
    k1: u64,
    k2: u64,
}

impl Keys {
    pub fn new(seed: u64) -> Keys {
        let k0 = split_mix(seed);
        let k1 = split_mix(k0) | 1;
        let k2 = split_mix(k1);
        Keys { k0, k1, k2 }
    }

    /// One word (an id of up to 8 bytes, see `name_table`): one multiply.
    pub fn word(&self, w: u64) -> u64 {
        fold(w ^ self.k0, self.k1)
    }

    /// Any bytes: a multiply per 8-byte word, then one that mixes in the length.
    pub fn bytes(&self, b: &[u8]) -> u64 {
        let mut h = SeededHasher {
            keys: *self,
            acc: self.k2,
        };
        h.write(b);
        fold(h.acc ^ self.k0, (b.len() as u64) ^ self.k2 | 1)
    }
}

/// A `BuildHasher` over [`Keys`], for hash maps keyed by text from the file (the date memo).
#[derive(Debug, Clone, Copy)]
pub struct SeededState(Keys);

impl SeededState {
    pub fn new(seed: u64) -> SeededState {
        SeededState(Keys::new(seed))
    }
}

impl BuildHasher for SeededState {
    type Hasher = SeededHasher;
    fn build_hasher(&self) -> SeededHasher {
        SeededHasher {
            keys: self.0,
            acc: self.0.k2,
        }
    }
}

pub struct SeededHasher {
    keys: Keys,
    acc: u64,
}

impl Hasher for SeededHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.acc = fold(self.acc ^ w ^ self.keys.k0, self.keys.k1);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let w = rest.iter().rev().fold(0u64, |v, &b| v << 8 | b as u64);
            // The tail's length marks it, so `ab` and `ab\0` differ.
            let w = w ^ (rest.len() as u64) << 59;
            self.acc = fold(self.acc ^ w ^ self.keys.k2, self.keys.k1);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.acc = fold(self.acc ^ b as u64 ^ self.keys.k2, self.keys.k1);
    }

    fn finish(&self) -> u64 {
        fold(self.acc ^ self.keys.k0, self.keys.k2 | 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_seed() {
        let (a, b) = (Keys::new(1), Keys::new(2));
        assert_eq!(Keys::new(1).bytes(b"customer-1"), a.bytes(b"customer-1"));
        assert_ne!(a.bytes(b"customer-1"), b.bytes(b"customer-1"));
        assert_ne!(a.bytes(b"ab"), a.bytes(b"ab\0"));
        assert_ne!(a.bytes(b"12345678"), a.bytes(b"123456789"));
        assert_ne!(a.word(7), b.word(7));
        assert_ne!(seed_of(b"a,b\n1,2\n"), seed_of(b"a,b\n1,3\n"));
    }
}
