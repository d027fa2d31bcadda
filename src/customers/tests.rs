use super::*;

fn tx(rows: &[(&str, i32, f64, u64)]) -> Transactions {
    let mut t = Transactions::default();
    for (name, day, amount, order) in rows {
        let seen = t.customer_names.iter().position(|n| n == *name);
        let id = match seen {
            Some(i) => i,
            None => t.customer_names.push(name).unwrap(),
        };
        t.customer.push(id as u32);
        t.day.push(*day);
        t.amount.push(*amount);
        t.order.push(*order);
        t.lines.push(0);
    }
    t
}

#[test]
fn btyd_summary_as_lifetimes_defines_it() {
    // a: purchases on days 0, 0 (same day, two orders), 10, 30; a return on day 31.
    let log = tx(&[
        ("a", 0, 10.0, 1),
        ("a", 0, 5.0, 2),
        ("a", 10, 20.0, 3),
        ("a", 30, 40.0, 4),
        ("a", 31, -5.0, 5),
        ("b", 20, 7.0, 0),
        ("c", 50, 1.0, 0),
    ]);
    let (t, ex) = CustomerTable::build(&log, 40, TimeUnit::Day, ReturnsPolicy::Net);
    assert_eq!(ex.after_as_of, vec![6]);
    assert_eq!(t.ids.iter().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(t.frequency, vec![2.0, 0.0]);
    assert_eq!(t.recency, vec![30.0, 0.0]);
    assert_eq!(t.t, vec![40.0, 20.0]);
    assert_eq!(t.monetary_value, vec![30.0, 0.0]);
    assert_eq!(t.transactions, vec![4, 1]);
    assert_eq!(t.revenue, vec![70.0, 7.0]);
    assert_eq!(t.average_spend, vec![70.0 / 4.0, 7.0]);
    assert_eq!(t.recency_days, vec![10.0, 20.0]);
    let (w, _) = CustomerTable::build(&log, 40, TimeUnit::Week, ReturnsPolicy::Net);
    assert_eq!(w.t[0], 40.0 / 7.0);
    // keep: the return day is a purchase day of its own.
    let (k, _) = CustomerTable::build(&log, 40, TimeUnit::Day, ReturnsPolicy::Keep);
    assert_eq!(k.frequency[0], 3.0);
    assert_eq!(k.transactions[0], 5);
}

#[test]
fn snapshot_equals_a_build_at_that_date() {
    let log = tx(&[
        ("a", 0, 10.0, 1),
        ("a", 5, -2.0, 0),
        ("a", 10, 20.0, 3),
        ("b", 8, 7.0, 0),
        ("a", 30, 40.0, 4),
        ("c", 50, 1.0, 0),
    ]);
    let (full, _) = CustomerTable::build(&log, 60, TimeUnit::Week, ReturnsPolicy::Net);
    let (cut, rows) = full.until(20, TimeUnit::Week);
    let (fresh, _) = CustomerTable::build(&log, 20, TimeUnit::Week, ReturnsPolicy::Net);
    assert_eq!(contiguous(&cut), fresh);
    assert!(
        Arc::ptr_eq(&cut.days, &full.days),
        "the per-day lists are shared"
    );
    assert_eq!(rows, vec![0, 1]);
}

/// `t` with per-day lists of its own, as a table built whole holds them.
fn contiguous(t: &CustomerTable) -> CustomerTable {
    let mut per_day = DayLists::default();
    let mut start = vec![0];
    for c in 0..t.len() {
        for j in t.day_range(c) {
            per_day.push(
                t.days[j],
                t.day_value[j],
                t.day_purchase[j],
                t.day_orders[j],
            );
        }
        start.push(per_day.len() as u32);
    }
    let mut out = CustomerTable {
        day_start: start,
        day_end: Vec::new(),
        ..t.clone()
    };
    per_day.into_table(&mut out);
    out
}

#[test]
fn returns_only_customer_is_excluded_not_lost() {
    let log = tx(&[("a", 0, -10.0, 0), ("b", 1, 3.0, 0)]);
    let (t, ex) = CustomerTable::build(&log, 5, TimeUnit::Day, ReturnsPolicy::Net);
    assert_eq!(t.ids.iter().collect::<Vec<_>>(), ["b"]);
    assert_eq!(ex.no_purchase, vec![0]);
}
