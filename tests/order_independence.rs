//! The answer never depends on row order (issue #13): the same lines in any order give the
//! same Report (but for the line numbers of `ingest.examples`) and the same per-customer
//! values — RFM scores and segments, stages, clusters and projection, BTYD summary, P(alive),
//! CLV and its interval, churn risk and its model comparison, the explain rules — on the issue's 200k-line log, on logs full of ties, on a hand-made
//! log with returns and multi-line orders, on summary input, and on random small logs.
#![cfg(not(target_arch = "wasm32"))]

use crm_lens::sample::{generate_csv, SampleSpec};
use crm_lens::{export, Dataset, Options};
use serde_json::Value;

/// xorshift64*: small, seeded, good enough to shuffle.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The header, then the data lines permuted: `seed` 0 reverses them, others shuffle.
fn permute(csv: &str, seed: u64) -> String {
    let mut lines: Vec<&str> = csv.lines().collect();
    let body = &mut lines[1..];
    if seed == 0 {
        body.reverse();
    } else {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        for i in (1..body.len()).rev() {
            body.swap(i, rng.below(i + 1));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The Report as JSON without `ingest.examples` (their line numbers follow the file), and
/// the per-customer export (every per-customer column, in the table's order).
fn outcome(csv: &str, options: &str) -> (Value, String) {
    let o = Options::from_json(options).unwrap();
    let a = Dataset::from_bytes(csv.as_bytes(), &o)
        .unwrap()
        .analyze(&o)
        .unwrap();
    let mut report = serde_json::to_value(&a.report).unwrap();
    report["ingest"].as_object_mut().unwrap().remove("examples");
    let customers = String::from_utf8(export::customers_csv(&a).unwrap()).unwrap();
    (report, customers)
}

/// Same Report and customers for `csv` and each of its permutations under `seeds`.
fn assert_order_free(name: &str, csv: &str, options: &str, seeds: &[u64]) {
    let (report, customers) = outcome(csv, options);
    for &seed in seeds {
        let (r, c) = outcome(&permute(csv, seed), options);
        if r != report {
            let diff = first_difference(&report, &r, String::new());
            panic!("{name}, permutation {seed}: the Report differs at {diff}");
        }
        if c != customers {
            let line = customers
                .lines()
                .zip(c.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("\n  {a}\n  {b}"))
                .unwrap_or_default();
            panic!("{name}, permutation {seed}: per-customer values differ:{line}");
        }
    }
}

/// Path and values of the first place two JSON values differ.
fn first_difference(a: &Value, b: &Value, path: String) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                if y.get(k) != Some(v) {
                    return first_difference(
                        v,
                        y.get(k).unwrap_or(&Value::Null),
                        format!("{path}.{k}"),
                    );
                }
            }
            format!("{path}: keys {:?} vs {:?}", x.keys(), y.keys())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            let i = (0..x.len()).find(|&i| x[i] != y[i]).unwrap_or(0);
            first_difference(&x[i], &y[i], format!("{path}[{i}]"))
        }
        _ => format!("{path}: {a} vs {b}"),
    }
}

/// The issue's case: 200k lines, 70k customers, shuffled (fScore moved for 33,911 customers).
#[test]
fn generated_200k_lines_in_any_order() {
    let csv = generate_csv(&SampleSpec {
        transactions: 200_000,
        seed: 13,
        ..Default::default()
    })
    .unwrap();
    assert_order_free("200k", &csv, "{}", &[0, 1, 2]);
}

/// Ties everywhere: three days of data (recency ties), whole amounts (spend ties), k-means on
/// heavily duplicated points; with pandas' first-rank option too, and weekly units.
#[test]
fn ties_in_any_order() {
    let mut csv = String::from("customer_id,order_id,order_date,amount\n");
    let mut rng = Rng(99);
    for line in 0..6000 {
        let customer = rng.below(1500);
        let day = 1 + rng.below(3);
        let amount = [10, 10, 20, 20, 20, 35, 50, -10][rng.below(8)];
        let order = if rng.below(4) == 0 {
            line - line % 2
        } else {
            line
        };
        csv += &format!("K{customer:05},O{order},2024-03-0{day},{amount}\n");
    }
    let seeds = [0, 5, 6, 7];
    assert_order_free("ties", &csv, "{}", &seeds);
    assert_order_free("ties, first", &csv, r#"{"rfm": {"ties": "first"}}"#, &seeds);
    let days = generate_csv(&SampleSpec {
        transactions: 20_000,
        seed: 11,
        days: 3,
        ..Default::default()
    })
    .unwrap();
    assert_order_free("3 days", &days, r#"{"timeUnit": "week"}"#, &[0, 8]);
}

/// Returns netted against spend, an order whose lines span two days, several orders a day,
/// amounts whose sums round differently in different orders (0.1 + 0.2 + 0.3), a customer
/// with returns only, and a late row after `asOf`.
#[test]
fn hand_made_log_in_any_order() {
    let csv = "customer_id,order_id,order_date,amount
A,1,2024-01-05,0.1
A,1,2024-01-05,0.2
A,2,2024-01-05,0.3
B,3,2024-01-20,40
A,4,2024-02-10,25.57
A,4,2024-02-11,33.71
C,5,2024-02-11,5
B,6,2024-02-20,-10
C,7,2024-03-01,15
D,8,2024-03-02,-4
E,9,2024-03-02,1e-3
E,10,2024-03-03,19.99
E,11,2024-03-04,-19.99
F,12,2024-03-05,18.04
F,13,2024-03-06,92.07
F,14,2024-03-07,-92.07
G,15,2024-04-01,7
G,16,2024-05-01,7
H,17,2024-05-02,7
A,18,2024-06-01,8.4
A,19,2024-06-02,17.31
A,20,2024-06-03,34.68
I,21,2024-07-01,3
";
    let options = r#"{"asOf": "2024-06-30", "clv": {"bootstrapDraws": 20}}"#;
    assert_order_free("hand-made", csv, options, &[0, 1, 2, 3, 4, 5, 6, 7]);
}

/// A per-customer summary (`--summary`) in any row order, repeated ids included.
#[test]
fn summary_input_in_any_order() {
    let mut csv = String::from("customer_id,frequency,recency,T,monetary_value\n");
    let mut rng = Rng(5);
    for c in 0..800 {
        let t = 20 + rng.below(60);
        let x = rng.below(6);
        let r = if x == 0 { 0 } else { rng.below(t + 1) };
        let m = if x == 0 { 0 } else { 10 + rng.below(5) * 5 };
        csv += &format!("S{:04},{x},{r},{t},{m}\n", c % 790);
    }
    let options = r#"{"asOf": "2024-06-30", "ingest": {"summary": true}}"#;
    assert_order_free("summary", &csv, options, &[0, 3, 4]);
}

/// Property: random small logs — few customers, few days, repeated amounts, returns — give
/// the same outcome in random orders.
#[test]
fn random_logs_in_random_orders() {
    let mut rng = Rng(2024);
    for case in 0..40 {
        let customers = 3 + rng.below(60);
        let lines = customers + rng.below(300);
        let days = 1 + rng.below(200);
        let mut csv = String::from("customer_id,order_id,order_date,amount\n");
        for line in 0..lines {
            // Every customer buys at least once, then random customers.
            let c = if line < customers {
                line
            } else {
                rng.below(customers)
            };
            let day = rng.below(days);
            let cents = [999, 999, 1999, 2557, 3371, 10, 1, 100_000][rng.below(8)] as f64;
            let sign = if rng.below(10) == 0 { -1.0 } else { 1.0 };
            let order = line / (1 + rng.below(2));
            csv += &format!(
                "c{c},o{order},{},{}\n",
                crm_lens::dates::format_day(19_000 + day as i32),
                sign * cents / 100.0
            );
        }
        let options = r#"{"clv": {"bootstrapDraws": 10}}"#;
        let seeds = [0, 100 + case, 200 + case];
        assert_order_free(&format!("random case {case}"), &csv, options, &seeds);
    }
}
