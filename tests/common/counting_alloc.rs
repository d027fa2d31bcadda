//! The system allocator, counting live bytes and their peak (the benches' `#[path]` module):
//! the heap a call needs apart from the allocator's own retention (RSS), close to what wasm's
//! linear memory must hold.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Counting;
pub static LIVE: AtomicUsize = AtomicUsize::new(0);
pub static PEAK: AtomicUsize = AtomicUsize::new(0);

fn count(add: usize, sub: usize) {
    let now = LIVE.fetch_add(add, Relaxed) + add - sub;
    LIVE.fetch_sub(sub, Relaxed);
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count(l.size(), 0);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        count(0, l.size());
        System.dealloc(p, l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        count(l.size(), 0);
        System.alloc_zeroed(l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // Growth may move (both blocks live for a moment: count the pair, as wasm's allocator
        // pays it); shrinking is in place in glibc and dlmalloc alike.
        match new > l.size() {
            true => count(new, l.size()),
            false => count(0, l.size() - new),
        }
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;
