//! P(alive) for collapsed rows using the scaled-time tables of `FitData`: per parameter vector a
//! small table (`ln(alpha + v)` per distinct time, `ln a - ln(b + x - 1)` per distinct x) is
//! prepared once, then each row costs one exp (BG/NBD, MBG/NBD). Pareto/NBD shares its series
//! per (x, age) pair. P(alive) is dimensionless, so scaled time with scaled alpha/beta is exact.

use crate::clv::fitting::fitdata::FitData;
use crate::clv::maths::special::{expit, ln};
use crate::clv::model::ModelKind;
use crate::clv::pareto::fast::{p_alive_rows as pareto_rows, Pairs};

/// Per-parameter tables.
pub struct Prepared {
    kind: ModelKind,
    th: Vec<f64>,
    lv: Vec<f64>,
    lx: Vec<f64>,
}

/// Reusable evaluator (holds the Pareto pair table).
pub struct PAlive<'a> {
    pub d: &'a FitData<'a>,
    pairs: Option<Pairs>,
}

fn fix(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

impl<'a> PAlive<'a> {
    /// Prepares the evaluator for `kind`.
    pub fn new(kind: ModelKind, d: &'a FitData<'a>) -> PAlive<'a> {
        let pairs = (kind == ModelKind::ParetoNbd).then(|| Pairs::new(d));
        PAlive { d, pairs }
    }

    /// The evaluator `new` gives, from the pair table it made before on the same data
    /// ([`PAlive::into_pairs`]): for work that builds it again and again (a bootstrap's blocks
    /// run one at a time).
    pub fn with_pairs(d: &'a FitData<'a>, pairs: Option<Pairs>) -> PAlive<'a> {
        PAlive { d, pairs }
    }

    /// The Pareto/NBD pair table (None for the other models).
    pub fn into_pairs(self) -> Option<Pairs> {
        self.pairs
    }

    /// Tables for model-unit parameters `p`.
    pub fn prepare(&self, kind: ModelKind, p: &[f64]) -> Prepared {
        let d = self.d;
        let mut th = p.to_vec();
        th[1] *= d.scale;
        if kind == ModelKind::ParetoNbd {
            th[3] *= d.scale;
            return Prepared {
                kind,
                th,
                lv: vec![],
                lx: vec![],
            };
        }
        let (al, a, b) = (th[1], th[2], th[3]);
        let mut lv = Vec::new();
        d.log_shift(al, &mut lv);
        // BG/NBD: ln(a / (b + max(x,1) - 1)) as lifetimes; MBG/NBD: ln(a / (b + x)).
        let bg = kind == ModelKind::Bgnbd;
        let lx = d
            .rows
            .xs
            .iter()
            .map(|&x| ln(a) - ln(if bg { b + x.max(1.0) - 1.0 } else { b + x }))
            .collect();
        Prepared { kind, th, lv, lx }
    }

    /// P(alive) of row `i` (BG/NBD, MBG/NBD only; Pareto/NBD rows use `rows`).
    #[inline]
    pub fn row(&self, pr: &Prepared, i: usize) -> f64 {
        let rows = self.d.rows;
        let x = rows.x[i];
        if pr.kind == ModelKind::Bgnbd && x <= 0.0 {
            return 1.0;
        }
        let dl = pr.lv[self.d.ti[i] as usize] - pr.lv[self.d.txi[i] as usize];
        fix(expit(-((pr.th[0] + x) * dl + pr.lx[rows.xi[i]])))
    }

    /// P(alive) for every row at model-unit parameters `p`.
    pub fn rows(&self, kind: ModelKind, p: &[f64], out: &mut Vec<f64>) {
        let pr = self.prepare(kind, p);
        out.clear();
        match (&self.pairs, kind) {
            (Some(pairs), ModelKind::ParetoNbd) => {
                pareto_rows(&pr.th, self.d, pairs, out);
                out.iter_mut().for_each(|v| *v = fix(*v));
            }
            _ => out.extend((0..self.d.rows.len()).map(|i| self.row(&pr, i))),
        }
    }
}

/// P(alive) of arbitrary customers under fitted model-unit parameters: lets the lifecycle
/// score an earlier snapshot with today's model, so both dates use the same At-Risk rule.
pub fn p_alive_of(kind: ModelKind, params: &[f64], x: &[f64], tx: &[f64], t: &[f64]) -> Vec<f64> {
    if x.is_empty() {
        return Vec::new();
    }
    let mut ignored = Vec::new();
    let s = crate::clv::input::clean_summary(x.len(), x, tx, t, "clv_input_repaired", &mut ignored);
    let rows = crate::clv::fitting::collapse::collapse(&s);
    let d = FitData::new(&rows);
    let pal = PAlive::new(kind, &d);
    let mut out = Vec::new();
    pal.rows(kind, params, &mut out);
    rows.map
        .iter()
        .map(|&r| out.get(r).copied().map_or(1.0, fix))
        .collect()
}

/// P(alive) of customers `t_age` model units later if they make no purchase meanwhile, under
/// the model that scored `cols` (lifetimes' `conditional_probability_alive(x, t_x, T + t)`;
/// BG/BB: P(alive at n + m) with m the whole opportunities in `t_age`, no transaction
/// meanwhile). Without a model (the simple-CLV fallback) every value is 1, as `pAlive` is.
pub fn p_alive_later(
    cols: &crate::clv::ClvColumns,
    x: &[f64],
    tx: &[f64],
    t: &[f64],
    later: f64,
) -> Vec<f64> {
    let shifted: Vec<f64> = t.iter().map(|v| v + later).collect();
    if let Some((kind, params)) = &cols.model {
        return p_alive_of(*kind, params, x, tx, &shifted);
    }
    // BG/BB is fitted only on a summary (`crate::EXTRA_INPUTS`).
    let Some(params) = cols.bgbb.as_ref().filter(|_| crate::EXTRA_INPUTS) else {
        return vec![1.0; x.len()];
    };
    let m = (later + 1e-9).floor();
    let shifted: Vec<f64> = t.iter().map(|v| v + m).collect();
    let mut ignored = Vec::new();
    let s = crate::clv::input::clean_summary(x.len(), x, tx, &shifted, "", &mut ignored);
    let rows = crate::clv::fitting::collapse::collapse(&s);
    let per_row: Vec<f64> = (0..rows.len())
        .map(|r| {
            fix(crate::clv::bgbb::predict::p_alive(
                params, rows.x[r], rows.tx[r], rows.t[r], 0,
            ))
        })
        .collect();
    rows.map.iter().map(|&r| per_row[r]).collect()
}
