//! Customer ids, interned: each distinct id is stored once, in one string arena.
//!
//! A 1M-line export has hundreds of thousands of customers. A `HashMap<String, u32>` plus a
//! `Vec<String>` of names costs ~80 bytes per customer in headers and small allocations; the
//! arena costs the id's bytes plus 8, and the index table 4 bytes a slot (hashbrown's
//! `HashTable` of indices, hashed by foldhash, compared against the arena).
use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::hash::BuildHasher;
use std::ops::Index;

/// Names in order of first appearance; `names[i]` is the `i`-th distinct id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    text: String,
    /// End offset of each name in `text`.
    end: Vec<usize>,
}

impl Names {
    /// Room for `names` names of `bytes` bytes in all, so building never re-allocates.
    pub fn with_capacity(names: usize, bytes: usize) -> Names {
        Names {
            text: String::with_capacity(bytes),
            end: Vec::with_capacity(names),
        }
    }

    /// Bytes of all names together.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// All names, concatenated: with [`Names::offsets`], the columnar form JS receives.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte offsets of the names in [`Names::text`]: name `i` is `offsets[i]..offsets[i + 1]`.
    pub fn offsets(&self) -> Vec<u32> {
        std::iter::once(0)
            .chain(
                self.end
                    .iter()
                    .map(|&e| u32::try_from(e).unwrap_or(u32::MAX)),
            )
            .collect()
    }

    pub fn len(&self) -> usize {
        self.end.len()
    }

    pub fn is_empty(&self) -> bool {
        self.end.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.end.get(i)?;
        let start = if i == 0 { 0 } else { self.end[i - 1] };
        self.text.get(start..end)
    }

    /// Appends a name (no de-duplication: that is [`Interner`]'s job) and returns its index.
    pub fn push(&mut self, name: &str) -> usize {
        self.text.push_str(name);
        self.end.push(self.text.len());
        self.end.len() - 1
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }
}

impl Index<usize> for Names {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or_default()
    }
}

/// A table slot: the index, plus the length and first 8 bytes of the name, so that ids of
/// up to 8 bytes (most: `C0002035`, `17850`) are compared without touching the arena. With
/// hundreds of thousands of customers every arena access is a cache miss.
#[derive(Clone, Copy)]
struct Slot {
    index: u32,
    len: u32,
    prefix: u64,
}

fn prefix(name: &str) -> u64 {
    let mut p = [0u8; 8];
    let b = name.as_bytes();
    let n = b.len().min(8);
    p[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(p)
}

/// Maps an id to its index in [`Names`], adding it on first sight.
///
/// foldhash (hashbrown's own default) with a fixed seed: fast on short ids, good high bits
/// for hashbrown's probing. The hash never reaches the output (indices are in order of
/// appearance), so results are identical on every target.
#[derive(Default)]
pub struct Interner {
    pub names: Names,
    table: HashTable<Slot>,
    hasher: FixedState,
    /// The previous row's id: the lines of one order are adjacent in every export.
    last: Option<u32>,
}

impl Interner {
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(last) = self.last {
            if &self.names[last as usize] == name {
                return last;
            }
        }
        let id = self.lookup(name);
        self.last = Some(id);
        id
    }

    fn lookup(&mut self, name: &str) -> u32 {
        let hash = self.hasher.hash_one(name);
        let (len, pre) = (name.len() as u32, prefix(name));
        let names = &self.names;
        let found = self.table.find(hash, |s| {
            s.len == len && s.prefix == pre && (name.len() <= 8 || &names[s.index as usize] == name)
        });
        if let Some(s) = found {
            return s.index;
        }
        let index = self.names.push(name) as u32;
        let (names, hasher) = (&self.names, &self.hasher);
        let slot = Slot {
            index,
            len,
            prefix: pre,
        };
        self.table.insert_unique(hash, slot, |s| {
            // Growing the table rehashes every slot: short ids are rebuilt from the slot
            // itself, so only long ones touch the arena.
            let bytes = s.prefix.to_le_bytes();
            match bytes.get(..s.len as usize).map(std::str::from_utf8) {
                Some(Ok(short)) => hasher.hash_one(short),
                _ => hasher.hash_one(&names[s.index as usize]),
            }
        });
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_in_order_of_appearance() {
        let mut n = Interner::default();
        let ids: Vec<u32> = [
            "b",
            "a",
            "b",
            "",
            "客户",
            "a",
            "long-id-123",
            "long-id-124",
            "long-id-123",
        ]
        .iter()
        .map(|s| n.id(s))
        .collect();
        assert_eq!(ids, vec![0, 1, 0, 2, 3, 1, 4, 5, 4]);
        assert_eq!(
            n.names.iter().collect::<Vec<_>>()[..4],
            ["b", "a", "", "客户"]
        );
        assert_eq!(&n.names[3], "客户");
        assert_eq!(n.names.get(9), None);
    }
}
