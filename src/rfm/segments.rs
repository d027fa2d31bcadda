//! Named RFM segments: a rule table on R/F/M scores, first match wins, else "Others".
//!
//! The default table is the R package `rfm`'s vignette map. Its rules are written for 1–5
//! scores; with another number of bins, scores are rescaled to 1–5 before matching. Note that
//! in this default table "Lost" (R≤2, F≤2, M≤2) is fully covered by "Hibernating" (R1–2,
//! F1–2, M1–2) above it, so it stays empty unless the user supplies a table that reaches it.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentRule {
    pub name: String,
    /// Inclusive score ranges `[low, high]` on the 1–5 scale.
    pub r: [u8; 2],
    pub f: [u8; 2],
    pub m: [u8; 2],
}

impl SegmentRule {
    fn new(name: &str, r: [u8; 2], f: [u8; 2], m: [u8; 2]) -> Self {
        SegmentRule {
            name: name.to_string(),
            r,
            f,
            m,
        }
    }

    pub fn matches(&self, r: u8, f: u8, m: u8) -> bool {
        let within = |v: u8, [lo, hi]: [u8; 2]| lo <= v && v <= hi;
        within(r, self.r) && within(f, self.f) && within(m, self.m)
    }
}

pub const OTHERS: &str = "Others";

pub fn default_rules() -> Vec<SegmentRule> {
    vec![
        SegmentRule::new("Champions", [4, 5], [4, 5], [4, 5]),
        SegmentRule::new("Loyal Customers", [2, 5], [3, 5], [3, 5]),
        SegmentRule::new("Potential Loyalist", [3, 5], [1, 3], [1, 3]),
        SegmentRule::new("New Customers", [4, 5], [1, 1], [1, 1]),
        SegmentRule::new("Promising", [3, 4], [1, 1], [1, 1]),
        SegmentRule::new("Need Attention", [2, 3], [2, 3], [2, 3]),
        SegmentRule::new("About To Sleep", [2, 3], [1, 2], [1, 2]),
        SegmentRule::new("At Risk", [1, 2], [2, 5], [2, 5]),
        SegmentRule::new("Can't Lose Them", [1, 1], [4, 5], [4, 5]),
        SegmentRule::new("Hibernating", [1, 2], [1, 2], [1, 2]),
        SegmentRule::new("Lost", [1, 2], [1, 2], [1, 2]),
    ]
}

/// Translation key of a segment's suggested action (the page holds the text per language).
pub fn action_key(name: &str) -> String {
    let slug: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect::<String>()
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let w = w.to_ascii_lowercase();
            if i == 0 {
                w
            } else {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect();
    format!("rfm.action.{slug}")
}

/// Maps a score on 1..=bins to the 1–5 scale the rules are written in.
pub fn to_five(score: u8, bins: u8) -> u8 {
    if bins == 5 {
        return score;
    }
    ((score as u32 * 5).div_ceil(bins as u32)).clamp(1, 5) as u8
}

pub fn assign(rules: &[SegmentRule], r: u8, f: u8, m: u8) -> usize {
    rules
        .iter()
        .position(|rule| rule.matches(r, f, m))
        .unwrap_or(rules.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_match_wins() {
        let rules = default_rules();
        let name = |r, f, m| {
            rules
                .get(assign(&rules, r, f, m))
                .map_or(OTHERS, |x| x.name.as_str())
        };
        assert_eq!(name(5, 5, 5), "Champions");
        assert_eq!(name(5, 1, 1), "Potential Loyalist");
        assert_eq!(name(1, 5, 5), "At Risk");
        assert_eq!(name(1, 1, 1), "Hibernating");
        assert_eq!(name(1, 1, 5), OTHERS);
        assert_eq!(action_key("Can't Lose Them"), "rfm.action.cantLoseThem");
        assert_eq!(to_five(3, 3), 5);
        assert_eq!(to_five(1, 10), 1);
    }
}
