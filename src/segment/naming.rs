//! Names for clusters a marketer reads at a glance ("Loyal high spenders", "New, one
//! purchase", "Lapsed big spenders"), from the cluster's profile. The engine gives a name
//! code and the values behind it; the dashboard translates the code (en/zh/ru).
//!
//! Each feature's level is where the centroid lies against the overall median in the
//! standardised space, by the same band as the profile labels ([`LABEL_BAND`] standard
//! deviations): `low`, `mid` or `high` (`mid` for a feature not used). A cluster whose median
//! customer made one purchase is "one purchase" (and never "frequent"). Then, by recency first (it decides what to
//! do: keep, grow or win back), in this order, the first match:
//!
//! | recency | rule | code |
//! |---|---|---|
//! | recent (low) | frequency high and spend high | `loyalHighSpenders` |
//! | | frequency high | `frequentRegulars` |
//! | | one purchase | `newOnePurchase` |
//! | | spend high | `recentBigSpenders` |
//! | | otherwise | `recentCustomers` |
//! | lapsed (high) | spend high | `lapsedBigSpenders` |
//! | | frequency high | `lapsedRegulars` |
//! | | one purchase | `lapsedOnePurchase` |
//! | | otherwise | `lapsedLowSpenders` |
//! | in between | frequency high and spend high | `steadyHighSpenders` |
//! | | spend high | `bigSpenders` |
//! | | frequency high | `steadyRegulars` |
//! | | one purchase | `oneTimeBuyers` |
//! | | spend low | `occasionalLowSpenders` |
//! | | otherwise | `typicalCustomers` |

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::hyperparams::Feature;
use super::profile::LABEL_BAND;
use super::types::ClusterProfile;

/// A cluster's name: a translatable code and the values it rests on (medians in original
/// units: `recencyDays`, `frequency` (transactions), `monetary` (net spend); `share`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClusterName {
    pub code: String,
    pub values: BTreeMap<String, f64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Low,
    Mid,
    High,
}

fn level(features: &[Feature], want: Feature, centroid: &[f64], median_z: &[f64]) -> Level {
    let Some(j) = features.iter().position(|&f| f == want) else {
        return Level::Mid;
    };
    let d = centroid[j] - median_z[j];
    if d > LABEL_BAND {
        Level::High
    } else if d < -LABEL_BAND {
        Level::Low
    } else {
        Level::Mid
    }
}

/// The name of one cluster (see the module doc for the table).
pub(crate) fn name(
    features: &[Feature],
    profile: &ClusterProfile,
    median_z: &[f64],
) -> ClusterName {
    let lv = |f| level(features, f, &profile.centroid, median_z);
    let one = profile.frequency.median <= 1.0;
    // A cluster whose median customer bought once is not "frequent", even when its centroid
    // lies above the overall median (itself often one purchase).
    let f = match lv(Feature::Frequency) {
        Level::High if one => Level::Mid,
        f => f,
    };
    let (r, m) = (lv(Feature::Recency), lv(Feature::Monetary));
    use Level::*;
    let code = match r {
        Low if f == High && m == High => "loyalHighSpenders",
        Low if f == High => "frequentRegulars",
        Low if one => "newOnePurchase",
        Low if m == High => "recentBigSpenders",
        Low => "recentCustomers",
        High if m == High => "lapsedBigSpenders",
        High if f == High => "lapsedRegulars",
        High if one => "lapsedOnePurchase",
        High => "lapsedLowSpenders",
        Mid if f == High && m == High => "steadyHighSpenders",
        Mid if m == High => "bigSpenders",
        Mid if f == High => "steadyRegulars",
        Mid if one => "oneTimeBuyers",
        Mid if m == Low => "occasionalLowSpenders",
        Mid => "typicalCustomers",
    };
    let values = [
        ("recencyDays", profile.recency_days.median),
        ("frequency", profile.frequency.median),
        ("monetary", profile.monetary.median),
        ("share", profile.share),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), if v.is_finite() { v } else { 0.0 }))
    .collect();
    ClusterName {
        code: code.into(),
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::types::Stat;

    fn profile(centroid: [f64; 3], frequency_median: f64) -> ClusterProfile {
        let stat = |median| Stat {
            mean: median,
            median,
        };
        ClusterProfile {
            id: 0,
            size: 10,
            share: 0.1,
            recency_days: stat(30.0),
            frequency: stat(frequency_median),
            monetary: stat(100.0),
            tenure_days: stat(200.0),
            clv: None,
            revenue_share: None,
            label: Vec::new(),
            name: ClusterName::default(),
            centroid: centroid.to_vec(),
        }
    }

    #[test]
    fn names_follow_recency_then_frequency_and_spend() {
        let f = [Feature::Recency, Feature::Frequency, Feature::Monetary];
        let z = [0.0, 0.0, 0.0];
        let code = |c, fm| name(&f, &profile(c, fm), &z).code;
        assert_eq!(code([-1.0, 1.0, 1.0], 6.0), "loyalHighSpenders");
        assert_eq!(code([-1.0, 0.0, 0.0], 1.0), "newOnePurchase");
        assert_eq!(code([-1.0, 0.5, 0.0], 1.0), "newOnePurchase");
        assert_eq!(code([-1.0, 0.5, 0.0], 3.0), "frequentRegulars");
        assert_eq!(code([1.0, 0.0, 1.0], 2.0), "lapsedBigSpenders");
        assert_eq!(code([1.0, -1.0, -1.0], 1.0), "lapsedOnePurchase");
        assert_eq!(code([0.1, 0.0, -1.0], 2.0), "occasionalLowSpenders");
        assert_eq!(code([0.1, 0.0, 0.1], 2.0), "typicalCustomers");
        // A feature not used counts as in between.
        let rf = [Feature::Recency, Feature::Tenure];
        let p = profile([-1.0, 0.0, 0.0], 1.0);
        assert_eq!(name(&rf, &p, &[0.0, 0.0]).code, "newOnePurchase");
        let v = name(&f, &p, &z).values;
        assert_eq!(v["recencyDays"], 30.0);
        assert_eq!(v["share"], 0.1);
    }
}
