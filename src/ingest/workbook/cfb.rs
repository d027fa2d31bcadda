//! The compound file (OLE2 / CFB) container of an `.xls`: one stream read out by name.
//!
//! Every count in the header and every sector chain is checked against the sectors the file
//! actually has before anything is allocated, and a chain may visit no sector twice, so a
//! stream never takes more memory than the file's own size. (calamine reserved vectors from
//! the header's counts; a chain into the last sector sliced past the end.)
use super::unreadable;
use crate::error::{Error, Result};

const KIND: &str = "xls";
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn bad(what: impl std::fmt::Display) -> Error {
    unreadable(
        KIND,
        format!("its compound-file container is damaged: {what}"),
    )
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    /// Sectors the file holds (a last partial sector counts; its missing bytes read as 0).
    sectors: u32,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self> {
        if bytes.len() < 512 {
            return Err(bad("shorter than its 512-byte header"));
        }
        let shift = u32::from(u16_at(bytes, 0x1E));
        if shift != 9 && shift != 12 {
            return Err(bad(format!("sector size 2^{shift}")));
        }
        let size = 1usize << shift;
        // Sector i starts at (i + 1) × size: the header fills sector "−1".
        let sectors =
            (bytes.len().saturating_sub(size).div_ceil(size)).min(u32::MAX as usize - 8) as u32;
        let mut cfb = Cfb {
            bytes,
            shift,
            sectors,
            fat: Vec::new(),
        };
        let n_fat = u32_at(bytes, 0x2C);
        if n_fat > sectors {
            return Err(bad(format!("{n_fat} FAT sectors in a file of {sectors}")));
        }
        let mut fat_sectors: Vec<u32> = (0..109.min(n_fat as usize))
            .map(|i| u32_at(bytes, 0x4C + 4 * i))
            .collect();
        let mut difat = u32_at(bytes, 0x44);
        let mut steps = 0;
        while fat_sectors.len() < n_fat as usize && difat < sectors {
            steps += 1;
            if steps > sectors {
                return Err(bad("its DIFAT chain loops"));
            }
            let s = cfb.sector(difat)?;
            let per = size / 4 - 1;
            fat_sectors.extend((0..per).map(|i| u32_at(s, 4 * i)));
            difat = u32_at(s, 4 * per);
        }
        fat_sectors.truncate(n_fat as usize);
        let mut fat = Vec::with_capacity(fat_sectors.len() * size / 4);
        for &s in &fat_sectors {
            let s = cfb.sector(s)?;
            fat.extend((0..size / 4).map(|i| u32_at(s, 4 * i)));
        }
        cfb.fat = fat;
        Ok(cfb)
    }

    /// Sector `i`'s bytes (fewer for a last partial sector).
    fn sector(&self, i: u32) -> Result<&'a [u8]> {
        if i >= self.sectors {
            return Err(bad(format!("sector {i} of {}", self.sectors)));
        }
        let size = 1usize << self.shift;
        let start = (i as usize + 1) * size;
        let end = (start + size).min(self.bytes.len());
        self.bytes
            .get(start..end)
            .ok_or_else(|| bad(format!("sector {i} past the end")))
    }

    /// The sectors of the chain from `start`, each visited once at most, and no more than
    /// `max` (a stream's size is reached: what its chain says after that is not read).
    fn chain(&self, start: u32, table: &[u32], max: usize) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        let mut seen = vec![false; table.len()];
        let mut i = start;
        while i != END_OF_CHAIN && i != FREE && out.len() < max {
            let idx = i as usize;
            if idx >= table.len() || seen[idx] {
                return Err(bad(format!("a sector chain runs to {i}")));
            }
            seen[idx] = true;
            out.push(i);
            i = table[idx];
        }
        Ok(out)
    }

    /// A stream from regular sectors, cut at `len`.
    fn read_chain(&self, start: u32, len: usize) -> Result<Vec<u8>> {
        let size = 1usize << self.shift;
        let chain = self.chain(start, &self.fat, len.div_ceil(size))?;
        let len = len.min(chain.len() << self.shift);
        let mut out = Vec::with_capacity(len);
        for s in chain {
            let s = self.sector(s)?;
            out.extend_from_slice(s);
            out.resize(out.len() + (1usize << self.shift) - s.len(), 0);
        }
        out.truncate(len);
        Ok(out)
    }
}

/// A directory entry: name, type (2 stream, 5 root), first sector, size.
struct Entry {
    name: String,
    kind: u8,
    start: u32,
    size: u64,
}

fn entries(dir: &[u8], v4: bool) -> impl Iterator<Item = Entry> + '_ {
    dir.chunks_exact(128).map(move |e| {
        let len = (usize::from(u16_at(e, 64)) / 2).min(32).saturating_sub(1);
        let units: Vec<u16> = (0..len).map(|i| u16_at(e, 2 * i)).collect();
        let size = u64::from(u32_at(e, 120))
            | if v4 {
                u64::from(u32_at(e, 124)) << 32
            } else {
                0
            };
        Entry {
            name: String::from_utf16_lossy(&units),
            kind: e[66],
            start: u32_at(e, 116),
            size,
        }
    })
}

/// The first stream named one of `names` (case-insensitive), as bytes.
pub fn stream(bytes: &[u8], names: &[&str]) -> Result<Vec<u8>> {
    let cfb = Cfb::open(bytes)?;
    let v4 = cfb.shift == 12;
    let dir_start = u32_at(bytes, 0x30);
    let dir = cfb.read_chain(dir_start, usize::MAX)?;
    let list: Vec<Entry> = entries(&dir, v4).collect();
    let root = list
        .first()
        .filter(|e| e.kind == 5)
        .ok_or_else(|| bad("no root entry"))?;
    let entry = names
        .iter()
        .find_map(|n| {
            list.iter()
                .find(|e| e.kind == 2 && e.name.eq_ignore_ascii_case(n))
        })
        .ok_or_else(|| unreadable(KIND, "it has no Workbook stream (not an Excel file?)"))?;
    let size = usize::try_from(entry.size).unwrap_or(usize::MAX);
    let cutoff = u32_at(bytes, 0x38) as usize;
    if size >= cutoff {
        return cfb.read_chain(entry.start, size);
    }
    // A small stream lives in the mini stream (64-byte sectors inside the root's stream).
    let mini_fat_bytes = cfb.read_chain(u32_at(bytes, 0x3C), usize::MAX)?;
    let mini_fat: Vec<u32> = (0..mini_fat_bytes.len() / 4)
        .map(|i| u32_at(&mini_fat_bytes, 4 * i))
        .collect();
    let mini = cfb.read_chain(root.start, usize::try_from(root.size).unwrap_or(usize::MAX))?;
    let chain = cfb.chain(entry.start, &mini_fat, size.div_ceil(64))?;
    let mut out = Vec::with_capacity(size.min(chain.len() * 64));
    for s in chain {
        let at = s as usize * 64;
        let part = mini
            .get(at..(at + 64).min(mini.len()))
            .ok_or_else(|| bad("a mini sector past the mini stream"))?;
        out.extend_from_slice(part);
    }
    out.truncate(size);
    Ok(out)
}
