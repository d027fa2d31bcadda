//! Customer ids, interned: each distinct id is stored once, in one string arena.
//!
//! A 1M-line export has hundreds of thousands of customers. A `HashMap<String, u32>` plus a
//! `Vec<String>` of names costs ~80 bytes per customer in headers and small allocations; the
//! arena costs the id's bytes plus 4, and the index table 12 bytes a slot
//! ([`super::name_table`]). While reading, the ids live in fixed chunks
//! ([`super::name_arena`]); [`Names`] is their contiguous form, made once at the end.
use std::ops::Index;

use super::name_arena::NameArena;
use super::name_table::NameTable;

/// Names in order of first appearance; `names[i]` is the `i`-th distinct id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    text: String,
    /// End offset of each name in `text` (`u32`: the arena is capped at 4 GiB, see `push`).
    end: Vec<u32>,
}

impl Names {
    /// Room for `names` names of `bytes` bytes in all, so building never re-allocates.
    pub fn with_capacity(names: usize, bytes: usize) -> Names {
        Names {
            text: String::with_capacity(bytes),
            end: Vec::with_capacity(names),
        }
    }

    /// The names `end` closes in `text` (see [`Names::offsets`]), as [`NameArena`] built them.
    pub(super) fn from_parts(text: String, end: Vec<u32>) -> Names {
        Names { text, end }
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
        std::iter::once(0).chain(self.end.iter().copied()).collect()
    }

    pub fn len(&self) -> usize {
        self.end.len()
    }

    pub fn is_empty(&self) -> bool {
        self.end.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.end.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(p) => self.end[p] as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// Appends a name (no de-duplication: that is [`Interner`]'s job) and returns its index,
    /// or `None` when the arena would pass 4 GiB or 2³² − 1 names. Callers size the arena
    /// with [`Names::with_capacity`]; ingest, which cannot, builds a [`NameArena`] instead.
    pub fn push(&mut self, name: &str) -> Option<usize> {
        let end = u32::try_from(self.text.len() + name.len()).ok()?;
        if self.end.len() >= u32::MAX as usize {
            return None;
        }
        self.text.push_str(name);
        self.end.push(end);
        Some(self.end.len() - 1)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// Indices of the names in ascending byte order (= Unicode code point order, pandas'
    /// `groupby` order for text ids; equal names keep their index order). The customer table
    /// is built in this order, so nothing downstream sees the order of the file's rows.
    ///
    /// Radix-sorted by an 8-byte key taken after the prefix all names share ("CUST-000…"),
    /// with a full comparison only between equal keys: 350k ids sort in a few milliseconds.
    pub fn sorted_order(&self) -> Vec<u32> {
        let n = self.len();
        let bytes = |i: u32| self.get(i as usize).unwrap_or_default().as_bytes();
        let first = bytes(0);
        let common = (1..n as u32).fold(first.len(), |c, i| {
            let b = bytes(i);
            first[..c.min(b.len())]
                .iter()
                .zip(b)
                .take_while(|(x, y)| x == y)
                .count()
        });
        let key = |i: u32| {
            let rest = bytes(i).get(common..).unwrap_or_default();
            let mut k = [0u8; 8];
            let take = rest.len().min(8);
            k[..take].copy_from_slice(&rest[..take]);
            u64::from_be_bytes(k)
        };
        let keyed = (0..n as u32).map(|i| (key(i), i)).collect();
        let mut order: Vec<u32> = Vec::with_capacity(n);
        // Names whose keys are equal (longer than the key, or "a" vs "a\0") by their bytes.
        for run in crate::radix::sort_pairs(keyed).chunk_by(|a, b| a.0 == b.0) {
            if run.len() == 1 {
                order.push(run[0].1);
                continue;
            }
            let mut tied: Vec<usize> = run.iter().map(|p| p.1 as usize).collect();
            crate::sort::indices_by(&mut tied, |a, b| bytes(a as u32).cmp(bytes(b as u32)));
            order.extend(tied.iter().map(|&i| i as u32));
        }
        order
    }
}

impl Index<usize> for Names {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or_default()
    }
}

/// Maps an id to its index in [`Names`], adding it on first sight. Indices are in order of
/// appearance, so no hash ever reaches the output: results are identical on every target.
#[derive(Default)]
pub struct Interner {
    names: NameArena,
    table: NameTable,
    /// The previous row's id and a copy of its name: the lines of one order are adjacent in
    /// every export. The copy, not the arena, is compared: reading the arena for it cost two
    /// cache misses a row (offsets, then text) once the arena outgrew the cache.
    last: Option<u32>,
    last_name: String,
}

impl Interner {
    /// An interner whose table hashes with keys from `seed` (see [`super::seeded`]).
    pub fn with_seed(seed: u64) -> Interner {
        Interner {
            table: NameTable::with_seed(seed),
            ..Default::default()
        }
    }

    /// The id's index; `None` only past the arena's limits (see [`Names::push`]).
    pub fn id(&mut self, name: &str) -> Option<u32> {
        if let Some(last) = self.last.filter(|_| self.last_name == name) {
            return Some(last);
        }
        let id = self.table.intern(name, &mut self.names)?;
        self.last = Some(id);
        self.last_name.clear();
        self.last_name.push_str(name);
        Some(id)
    }

    /// Loads the table slots of a batch of ids ahead of [`Interner::id`]: the loads are
    /// independent, so the CPU overlaps their cache misses instead of waiting on each in turn.
    pub fn touch<'a>(&self, names: impl Iterator<Item = &'a str>) {
        let acc = names
            .filter(|n| self.last.is_none() || self.last_name != *n)
            .fold(0u32, |acc, n| acc.wrapping_add(self.table.touch(n)));
        std::hint::black_box(acc);
    }

    /// The names, contiguous. The table is freed first: its block (the largest of the
    /// interner) is where the contiguous copy goes, so in wasm the copy needs no new memory.
    pub fn into_names(self) -> Names {
        drop(self.table);
        self.names.into_names()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_order_is_byte_order() {
        let mut names = Names::default();
        let ids = [
            "CUST-0010",
            "CUST-0002",
            "CUST-00020",
            "CUST-0002a",
            "Клиент",
            "客户",
            "CUST-0001",
            "CUST-",
            "a",
            "a\0",
            "CUST-0000000000000001",
            "CUST-0000000000000000",
        ];
        for id in ids {
            names.push(id);
        }
        let order = names.sorted_order();
        let got: Vec<&str> = order.iter().map(|&i| &names[i as usize]).collect();
        let mut want = ids.to_vec();
        want.sort();
        assert_eq!(got, want);
        assert!(Names::default().sorted_order().is_empty());
    }

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
        .map(|s| n.id(s).unwrap())
        .collect();
        assert_eq!(ids, vec![0, 1, 0, 2, 3, 1, 4, 5, 4]);
        let names = n.into_names();
        assert_eq!(
            names.iter().collect::<Vec<_>>()[..4],
            ["b", "a", "", "客户"]
        );
        assert_eq!(&names[3], "客户");
        assert_eq!(names.get(9), None);
    }
}
