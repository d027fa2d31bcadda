//! The customer ids while ingest reads them: fixed 64 KiB chunks that never move.
//!
//! Why chunks: nobody can estimate the number or length of the distinct ids before reading
//! the file, so a growing `String` + `Vec<u32>` would be copied on every growth. In wasm each
//! copy leaves the old block as a hole in linear memory, which never shrinks: on the
//! 1M-line file those holes (≈ 2× the final arena and offsets) were most of what kept linear
//! memory above 2× the file. A chunk is allocated once and only freed by
//! [`NameArena::into_names`]; 64 KiB chunks also fit into the holes the interner's table
//! leaves when it doubles, so they cost no new linear memory at all.
//!
//! Text chunks are a plain byte stream (an id may straddle two chunks); offsets are the
//! final, gap-free end offsets of [`Names`], chunked the same way. At the end both are copied
//! once into the contiguous [`Names`] the rest of the crate reads.
use super::names::Names;

/// Bytes of id text per chunk.
const TEXT_CHUNK: usize = 64 * 1024;
/// End offsets per chunk (64 KiB of `u32`).
const END_CHUNK: usize = 16 * 1024;

#[derive(Debug, Default)]
pub struct NameArena {
    text: Vec<Vec<u8>>,
    /// Total bytes in `text`.
    bytes: usize,
    /// End offset of each name in the concatenated text, `END_CHUNK` to a chunk.
    end: Vec<Vec<u32>>,
    len: usize,
}

impl NameArena {
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends a name and returns its index, or `None` when the text would pass 4 GiB or
    /// there would be 2³² − 1 names (`u32` offsets and indices; no real export comes close,
    /// and ingest reports an error instead of wrapping).
    pub fn push(&mut self, name: &str) -> Option<u32> {
        let end = u32::try_from(self.bytes + name.len()).ok()?;
        let index = u32::try_from(self.len).ok().filter(|&i| i < u32::MAX)?;
        let mut rest = name.as_bytes();
        while !rest.is_empty() {
            let chunk = match self.text.last_mut().filter(|c| c.len() < TEXT_CHUNK) {
                Some(c) => c,
                None => {
                    self.text.push(Vec::with_capacity(TEXT_CHUNK));
                    self.text.last_mut()?
                }
            };
            let take = rest.len().min(TEXT_CHUNK - chunk.len());
            let (head, tail) = rest.split_at(take);
            chunk.extend_from_slice(head);
            rest = tail;
        }
        self.bytes = end as usize;
        if self.end.last().is_none_or(|c| c.len() >= END_CHUNK) {
            self.end.push(Vec::with_capacity(END_CHUNK));
        }
        self.end.last_mut()?.push(end);
        self.len += 1;
        Some(index)
    }

    fn end_of(&self, i: usize) -> Option<usize> {
        let e = self.end.get(i / END_CHUNK)?.get(i % END_CHUNK)?;
        Some(*e as usize)
    }

    /// Byte range of name `i` in the concatenated text.
    fn range(&self, i: usize) -> Option<(usize, usize)> {
        let end = self.end_of(i)?;
        let start = match i.checked_sub(1) {
            Some(p) => self.end_of(p)?,
            None => 0,
        };
        Some((start, end))
    }

    /// The pieces of `start..end`, one per chunk it touches (one in all but a few cases).
    fn pieces(&self, start: usize, end: usize) -> impl Iterator<Item = &[u8]> {
        let mut at = start;
        std::iter::from_fn(move || {
            if at >= end {
                return None;
            }
            let chunk = self.text.get(at / TEXT_CHUNK)?;
            let from = at % TEXT_CHUNK;
            let to = (from + (end - at)).min(TEXT_CHUNK);
            at += to - from;
            chunk.get(from..to)
        })
    }

    /// Is name `i` equal to `name`?
    pub fn eq(&self, i: usize, name: &str) -> bool {
        let Some((start, end)) = self.range(i) else {
            return false;
        };
        if end - start != name.len() {
            return false;
        }
        let mut rest = name.as_bytes();
        self.pieces(start, end)
            .all(|p| match rest.split_at_checked(p.len()) {
                Some((head, tail)) => {
                    rest = tail;
                    head == p
                }
                None => false,
            })
    }

    /// Calls `f` with the index and bytes of every name, in order (a straddling name is
    /// copied into one reused buffer): the table rebuilds itself from here when it grows.
    pub fn each(&self, mut f: impl FnMut(u32, &[u8])) {
        let mut scratch = Vec::new();
        let mut start = 0;
        for (i, &end) in self.end.iter().flatten().enumerate() {
            let end = end as usize;
            let chunk = start / TEXT_CHUNK;
            let within = self.text.get(chunk).and_then(|c| {
                let from = start - chunk * TEXT_CHUNK;
                c.get(from..from + (end - start))
            });
            match within {
                Some(name) => f(i as u32, name),
                None => {
                    scratch.clear();
                    self.pieces(start, end)
                        .for_each(|p| scratch.extend_from_slice(p));
                    f(i as u32, &scratch);
                }
            }
            start = end;
        }
    }

    /// The contiguous [`Names`]: one copy of the text and of the offsets, each chunk freed as
    /// soon as it is copied.
    pub fn into_names(self) -> Names {
        let mut text = Vec::with_capacity(self.bytes);
        for chunk in self.text {
            text.extend_from_slice(&chunk);
        }
        let mut end = Vec::with_capacity(self.len);
        for chunk in self.end {
            end.extend_from_slice(&chunk);
        }
        // The text is whole `&str`s concatenated, so it is UTF-8; the lossy path is never
        // taken, but it cannot panic either.
        let text = String::from_utf8(text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Names::from_parts(text, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids of varied lengths (multi-byte ones included) until the text spans several chunks,
    /// so some ids straddle a chunk boundary and the offsets fill more than one chunk.
    fn ids() -> Vec<String> {
        (0..40_000)
            .map(|i| match i % 4 {
                0 => format!("{i}"),
                1 => format!("customer-{i:08}"),
                2 => format!("客户{i}"),
                _ => "x".repeat(i % 97),
            })
            .collect()
    }

    #[test]
    fn names_survive_chunk_boundaries() {
        let ids = ids();
        let mut a = NameArena::default();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(a.push(id), Some(i as u32));
        }
        assert!(
            a.text.len() > 3 && a.end.len() > 2,
            "the test must span chunks"
        );
        let mut straddling = 0;
        for (i, id) in ids.iter().enumerate() {
            assert!(a.eq(i, id), "id {i}");
            assert!(!a.eq(i, &format!("{id}!")));
            let (start, end) = a.range(i).unwrap();
            straddling += usize::from(start / TEXT_CHUNK != end.saturating_sub(1) / TEXT_CHUNK);
        }
        let mut seen = 0;
        a.each(|i, bytes| {
            assert_eq!(bytes, ids[i as usize].as_bytes(), "id {i}");
            assert_eq!(i as usize, seen);
            seen += 1;
        });
        assert_eq!(seen, ids.len());
        assert!(straddling > 0, "some id must straddle a chunk boundary");
        assert!(!a.eq(ids.len(), ""));
        let names = a.into_names();
        assert_eq!(names.len(), ids.len());
        assert!(names.iter().eq(ids.iter().map(String::as_str)));
    }

    #[test]
    fn an_id_longer_than_a_chunk_is_kept_whole() {
        let long = "é".repeat(TEXT_CHUNK);
        let mut a = NameArena::default();
        assert_eq!(a.push("a"), Some(0));
        assert_eq!(a.push(&long), Some(1));
        assert_eq!(a.push(""), Some(2));
        assert!(a.eq(1, &long) && a.eq(2, "") && a.eq(0, "a"));
        let mut all = Vec::new();
        a.each(|_, b| all.push(b.to_vec()));
        assert_eq!(all, [b"a".to_vec(), long.as_bytes().to_vec(), vec![]]);
        let names = a.into_names();
        assert_eq!(&names[1], long);
        assert_eq!(&names[2], "");
    }
}
