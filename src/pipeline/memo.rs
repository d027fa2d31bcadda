//! One remembered result per analysis stage, so that a control change in the page re-runs
//! only the stages whose inputs changed.
//!
//! A stage's key holds everything it reads: its own options and the *generation* of each
//! upstream result. A recomputed upstream stage gets a new generation, which changes every
//! downstream key, so staleness cannot leak through a forgotten dependency on a value that
//! merely compares equal. Generations are never reused (no address-reuse pitfalls, unlike
//! keying on pointers).

use crate::error::Result;

#[derive(Debug, Clone)]
pub(crate) struct Memo<K, V> {
    slot: Option<(K, V, u64)>,
    generations: u64,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            slot: None,
            generations: 0,
        }
    }
}

impl<K: PartialEq, V: Clone> Memo<K, V> {
    /// The value for `key` and its generation: the remembered one when `key` equals the last
    /// key, else `compute`'s (remembered, with `name` appended to `ran`). Errors are not
    /// remembered.
    pub fn get(
        &mut self,
        key: K,
        name: &'static str,
        ran: &mut Vec<&'static str>,
        compute: impl FnOnce() -> Result<V>,
    ) -> Result<(V, u64)> {
        if let Some((k, v, g)) = &self.slot {
            if *k == key {
                return Ok((v.clone(), *g));
            }
        }
        self.slot = None;
        let v = compute()?;
        self.generations += 1;
        ran.push(name);
        self.slot = Some((key, v.clone(), self.generations));
        Ok((v, self.generations))
    }

    /// Whether the remembered value is for `key`.
    pub fn holds(&self, key: &K) -> bool {
        self.slot.as_ref().is_some_and(|(k, _, _)| k == key)
    }

    /// The remembered value and its generation, when it is for `key`.
    pub fn peek(&self, key: &K) -> Option<(&V, u64)> {
        self.slot
            .as_ref()
            .filter(|(k, _, _)| k == key)
            .map(|(_, v, g)| (v, *g))
    }

    /// The remembered value of generation `generation`, to complete in place (its key and
    /// generation stay): for work that changes nothing downstream stages read (a deferred
    /// bootstrap's intervals).
    pub fn value_mut(&mut self, generation: u64) -> Option<&mut V> {
        match &mut self.slot {
            Some((_, v, g)) if *g == generation => Some(v),
            _ => None,
        }
    }

    /// Remembers `v`, computed elsewhere, for `key` (a new generation, `name` in `ran`), as
    /// if `get` had computed it.
    pub fn put(&mut self, key: K, v: V, name: &'static str, ran: &mut Vec<&'static str>) {
        self.generations += 1;
        ran.push(name);
        self.slot = Some((key, v, self.generations));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recomputes_only_on_a_new_key() {
        let mut m: Memo<u8, &str> = Memo::default();
        let mut ran = Vec::new();
        let (v, g1) = m.get(1, "s", &mut ran, || Ok("a")).unwrap();
        assert_eq!((v, ran.len()), ("a", 1));
        let (v, g2) = m.get(1, "s", &mut ran, || Ok("b")).unwrap();
        assert_eq!((v, g2, ran.len()), ("a", g1, 1));
        let (v, g3) = m.get(2, "s", &mut ran, || Ok("c")).unwrap();
        assert_eq!((v, ran.len()), ("c", 2));
        assert_ne!(g3, g1);
        // Back to an earlier key: recomputed (one slot), with a fresh generation.
        let (_, g4) = m.get(1, "s", &mut ran, || Ok("a")).unwrap();
        assert!(g4 != g1 && g4 != g3);
        // An error is not remembered.
        let e = m.get(3, "s", &mut ran, || {
            Err(crate::error::Error::new("no_usable_rows", "test"))
        });
        assert!(e.is_err());
        assert_eq!(m.get(3, "s", &mut ran, || Ok("d")).unwrap().0, "d");
    }
}
