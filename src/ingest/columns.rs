//! Which column is which: customer id, date, amount (or quantity × unit price), order id.
//!
//! Header names are matched against synonyms in English, Chinese and Russian; when a file has
//! no header (or names we do not know), roles are inferred from what the values look like.
use serde::Serialize;

use super::date;
use super::number::{parse_amount, Decimal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Customer,
    Date,
    Amount,
    Order,
    Quantity,
    UnitPrice,
}

/// Normalised synonyms (lower-case, no spaces/underscores/dashes). Exact matches win over
/// substring matches; earlier roles are claimed first.
const SYNONYMS: &[(Role, &[&str])] = &[
    (
        Role::Customer,
        &[
            "customerid",
            "customer",
            "clientid",
            "client",
            "custid",
            "customerno",
            "customernumber",
            "userid",
            "user",
            "buyer",
            "buyerid",
            "memberid",
            "member",
            "accountid",
            "email",
            "客户编号",
            "客户id",
            "客户",
            "客户名称",
            "会员id",
            "会员编号",
            "会员",
            "用户id",
            "用户",
            "买家",
            "买家id",
            "клиент",
            "покупатель",
            "кодклиента",
            "idклиента",
            "контрагент",
            "клиентid",
            "номерклиента",
        ],
    ),
    (
        Role::Date,
        &[
            "date",
            "orderdate",
            "invoicedate",
            "purchasedate",
            "transactiondate",
            "datetime",
            "timestamp",
            "createdat",
            "created",
            "orderedat",
            "time",
            "day",
            "下单时间",
            "订单日期",
            "日期",
            "交易时间",
            "付款时间",
            "支付时间",
            "创建时间",
            "下单日期",
            "交易日期",
            "дата",
            "датазаказа",
            "датапокупки",
            "датаоплаты",
            "датапродажи",
            "время",
        ],
    ),
    (
        Role::Amount,
        &[
            "amount",
            "revenue",
            "total",
            "sales",
            "value",
            "ordertotal",
            "grandtotal",
            "totalamount",
            "net",
            "netamount",
            "spend",
            "paid",
            "sum",
            "linetotal",
            "price_total",
            "实付金额",
            "金额",
            "订单金额",
            "支付金额",
            "销售额",
            "总价",
            "总金额",
            "实收金额",
            "付款金额",
            "сумма",
            "суммазаказа",
            "выручка",
            "стоимость",
            "итого",
            "суммапродажи",
        ],
    ),
    (
        Role::Order,
        &[
            "orderid",
            "order",
            "orderno",
            "ordernumber",
            "invoice",
            "invoiceno",
            "invoiceid",
            "invoicenumber",
            "transactionid",
            "receipt",
            "receiptid",
            "订单号",
            "订单编号",
            "订单id",
            "单号",
            "заказ",
            "номерзаказа",
            "счет",
            "счёт",
            "чек",
            "номерчека",
            "документ",
        ],
    ),
    (
        Role::Quantity,
        &[
            "quantity",
            "qty",
            "units",
            "count",
            "数量",
            "количество",
            "колво",
            "кол",
        ],
    ),
    (
        Role::UnitPrice,
        &[
            "unitprice",
            "price",
            "单价",
            "价格",
            "цена",
            "ценазаединицу",
        ],
    ),
];

pub fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !"_-.#№()[]".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The first column whose normalised header equals one of `names` (in `names`' order).
pub fn find_named(header: &[String], names: &[&str]) -> Option<usize> {
    let norm: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    names.iter().find_map(|n| norm.iter().position(|h| h == n))
}

/// Does this header cell name any known role?
pub fn is_known_name(name: &str) -> bool {
    let n = normalise(name);
    !n.is_empty() && SYNONYMS.iter().any(|(_, syn)| syn.contains(&n.as_str()))
}

/// Column indices per role (0-based).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Roles {
    pub customer: Option<usize>,
    pub date: Option<usize>,
    pub amount: Option<usize>,
    pub order: Option<usize>,
    pub quantity: Option<usize>,
    pub unit_price: Option<usize>,
}

impl Roles {
    fn get_mut(&mut self, role: Role) -> &mut Option<usize> {
        match role {
            Role::Customer => &mut self.customer,
            Role::Date => &mut self.date,
            Role::Amount => &mut self.amount,
            Role::Order => &mut self.order,
            Role::Quantity => &mut self.quantity,
            Role::UnitPrice => &mut self.unit_price,
        }
    }

    /// Options win: every role set in `forced` replaces the sniffed one, and a column taken by
    /// an option is released from any other role the sniffer gave it.
    pub fn overlay(&mut self, forced: &Roles) {
        for role in [
            Role::Customer,
            Role::Date,
            Role::Amount,
            Role::Order,
            Role::Quantity,
            Role::UnitPrice,
        ] {
            if let Some(col) = *forced.get(role) {
                for other in [
                    Role::Customer,
                    Role::Date,
                    Role::Amount,
                    Role::Order,
                    Role::Quantity,
                    Role::UnitPrice,
                ] {
                    if *self.get_mut(other) == Some(col) {
                        *self.get_mut(other) = None;
                    }
                }
                *self.get_mut(role) = Some(col);
            }
        }
    }

    fn get(&self, role: Role) -> &Option<usize> {
        match role {
            Role::Customer => &self.customer,
            Role::Date => &self.date,
            Role::Amount => &self.amount,
            Role::Order => &self.order,
            Role::Quantity => &self.quantity,
            Role::UnitPrice => &self.unit_price,
        }
    }

    pub fn claimed(&self) -> Vec<usize> {
        [
            self.customer,
            self.date,
            self.amount,
            self.order,
            self.quantity,
            self.unit_price,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Roles from header names: exact synonym matches first, then substring matches.
pub fn from_header(names: &[String]) -> Roles {
    let norm: Vec<String> = names.iter().map(|n| normalise(n)).collect();
    let mut roles = Roles::default();
    for exact in [true, false] {
        for (role, syns) in SYNONYMS {
            if roles.get_mut(*role).is_some() {
                continue;
            }
            let taken = roles.claimed();
            // Synonyms are in preference order, so search synonym-major.
            let hit = syns.iter().find_map(|s| {
                norm.iter().enumerate().position(|(i, n)| {
                    !taken.contains(&i)
                        && !n.is_empty()
                        && if exact {
                            n == s
                        } else {
                            s.chars().count() >= 3 && n.contains(s)
                        }
                })
            });
            *roles.get_mut(*role) = hit;
        }
    }
    roles
}

/// Fills roles the header did not name, from the sample values of each column.
pub fn infer_missing(roles: &mut Roles, columns: &[Vec<&str>], decimal: Decimal) {
    let n_cols = columns.len();
    let share = |col: &Vec<&str>, f: &dyn Fn(&str) -> bool| -> f64 {
        let vals: Vec<&&str> = col.iter().filter(|v| !v.trim().is_empty()).collect();
        if vals.is_empty() {
            return 0.0;
        }
        vals.iter().filter(|v| f(v)).count() as f64 / vals.len() as f64
    };
    if roles.date.is_none() {
        let taken = roles.claimed();
        roles.date = (0..n_cols)
            .filter(|i| !taken.contains(i))
            .map(|i| {
                (
                    i,
                    date::guess_format(&columns[i])
                        .map(|g| g.parse_rate)
                        .unwrap_or(0.0),
                )
            })
            .filter(|(_, r)| *r >= 0.8)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i);
    }
    if roles.amount.is_none() && roles.quantity.is_none() {
        let taken = roles.claimed();
        // Prefer columns with fractional values (money), then the right-most numeric column.
        // 80% numeric, as for dates: a stray header or a few bad rows must not hide it.
        let numeric: Vec<(usize, f64)> = (0..n_cols)
            .filter(|i| !taken.contains(i))
            .filter(|i| share(&columns[*i], &|v| parse_amount(v, decimal).is_some()) >= 0.8)
            .map(|i| {
                (
                    i,
                    share(&columns[i], &|v| {
                        parse_amount(v, decimal).is_some_and(|x| x.fract() != 0.0)
                    }),
                )
            })
            .collect();
        roles.amount = numeric
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(i, _)| *i);
    }
    if roles.customer.is_none() {
        let taken = roles.claimed();
        // A customer column repeats values (customers come back) but is not constant.
        roles.customer = (0..n_cols).filter(|i| !taken.contains(i)).find(|i| {
            let vals: Vec<&str> = columns[*i]
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            let repeats_one_value = vals.iter().all(|v| *v == vals[0]);
            !vals.is_empty() && (!repeats_one_value || vals.len() == 1)
        });
    }
}
