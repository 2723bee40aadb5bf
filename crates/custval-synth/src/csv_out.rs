//! Hand-rolled CSV encoding of a chunk (UTF-8, comma, no quoting needed: no field contains a
//! comma, quote or newline).

use crate::Table;
use crate::chunk::ChunkData;
use crate::date::{push_date, push_period};
use crate::fmt::{push_cents, push_float, push_u64, push_u64_padded};
use crate::names::{push_email, push_phone};
use crate::params::{CATEGORIES, CHANNELS, INDUSTRIES, INTERACTION_KINDS, REGIONS, TRENDS};

/// Header line of each table.
pub(crate) fn header(table: Table) -> &'static str {
    match table {
        Table::Customers => {
            "customer_id,name,industry,region,size,signup_date,owner,phone,email,wallet\n"
        }
        Table::Transactions => {
            "order_id,customer_id,order_date,amount,cost,category,quantity,channel\n"
        }
        Table::Costs => "customer_id,period,sales_cost,service_cost\n",
        Table::Interactions => "customer_id,date,kind\n",
        Table::Surveys => "customer_id,date,csat,nps\n",
        Table::Contracts => "customer_id,start,end,renewed\n",
        Table::Payments => "customer_id,invoice_date,due_date,paid_date,amount\n",
        Table::Truth => concat!(
            "customer_id,size,industry,trend,trend_start,signup_date,lambda,p_dropout,dropout_day,",
            "nu,expected_spend_per_order,late_payer,satisfaction,share_of_wallet,high_maintenance,",
            "orders,revenue\n"
        ),
    }
}

/// Appends `C0000042` for global index 41.
pub(crate) fn push_customer_id(out: &mut Vec<u8>, index: u64, width: usize) {
    out.push(b'C');
    push_u64_padded(out, index + 1, width);
}

fn push_opt_date(out: &mut Vec<u8>, d: Option<i32>) {
    if let Some(d) = d {
        push_date(out, d);
    }
}

fn push_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// Encodes one table of a chunk (without header).
pub(crate) fn encode(table: Table, c: &ChunkData, w: usize) -> Vec<u8> {
    let rows = c.rows()[table as usize] as usize;
    let mut out = Vec::with_capacity(rows * 64 + 16);
    let o = &mut out;
    match table {
        Table::Customers => customers(o, c, w),
        Table::Transactions => transactions(o, c, w),
        Table::Costs => costs(o, c, w),
        Table::Interactions => interactions(o, c, w),
        Table::Surveys => surveys(o, c, w),
        Table::Contracts => contracts(o, c, w),
        Table::Payments => payments(o, c, w),
        Table::Truth => truth(o, c, w),
    }
    out
}

/// One line per customer: id, name, industry, region, size, signup, owner, contacts, wallet.
fn customers(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.customers;
    for i in 0..t.index.len() {
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        o.extend_from_slice(t.name[i].as_bytes());
        o.push(b',');
        o.extend_from_slice(INDUSTRIES[usize::from(t.industry[i])].as_bytes());
        o.push(b',');
        o.extend_from_slice(REGIONS[usize::from(t.region[i])].as_bytes());
        o.push(b',');
        o.extend_from_slice(c.size_labels[usize::from(t.size[i])].as_bytes());
        o.push(b',');
        push_date(o, t.signup[i]);
        o.extend_from_slice(b",rep");
        push_u64_padded(o, u64::from(t.owner[i]), 2);
        o.push(b',');
        push_phone(o, t.index[i]);
        o.push(b',');
        push_email(o, t.index[i], w);
        o.push(b',');
        if let Some(v) = t.wallet[i] {
            push_cents(o, v);
        }
        o.push(b'\n');
    }
}

/// One line per order: order id, customer, date, amount, cost, category, quantity, channel.
fn transactions(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.transactions;
    for i in 0..t.index.len() {
        o.push(b'O');
        push_u64_padded(o, t.index[i] + 1, w);
        o.push(b'-');
        push_u64_padded(o, u64::from(t.seq[i]), 4);
        o.push(b',');
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        push_date(o, t.date[i]);
        o.push(b',');
        push_cents(o, t.amount[i]);
        o.push(b',');
        push_cents(o, t.cost[i]);
        o.push(b',');
        o.extend_from_slice(CATEGORIES[usize::from(t.category[i])].name.as_bytes());
        o.push(b',');
        push_u64(o, u64::from(t.quantity[i]));
        o.push(b',');
        o.extend_from_slice(CHANNELS[usize::from(t.channel[i])].as_bytes());
        o.push(b'\n');
    }
}

/// One line per customer and month: sales and service cost.
fn costs(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.costs;
    for i in 0..t.index.len() {
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        push_period(o, t.month[i]);
        o.push(b',');
        push_cents(o, t.sales[i]);
        o.push(b',');
        push_cents(o, t.service[i]);
        o.push(b'\n');
    }
}

/// One line per interaction: date and kind.
fn interactions(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.interactions;
    for i in 0..t.index.len() {
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        push_date(o, t.date[i]);
        o.push(b',');
        o.extend_from_slice(INTERACTION_KINDS[usize::from(t.kind[i])].as_bytes());
        o.push(b'\n');
    }
}

/// One line per survey: date, CSAT and NPS.
fn surveys(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.surveys;
    for i in 0..t.index.len() {
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        push_date(o, t.date[i]);
        o.push(b',');
        push_u64(o, u64::from(t.csat[i]));
        o.push(b',');
        push_u64(o, u64::from(t.nps[i]));
        o.push(b'\n');
    }
}

/// One line per contract: start, end and whether it was renewed (blank while running).
fn contracts(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.contracts;
    for i in 0..t.index.len() {
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        push_date(o, t.start[i]);
        o.push(b',');
        push_date(o, t.end[i]);
        o.push(b',');
        if let Some(b) = t.renewed[i] {
            push_bool(o, b);
        }
        o.push(b'\n');
    }
}

/// One line per invoice: invoice, due and paid dates (blank when unpaid), amount.
fn payments(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.payments;
    for i in 0..t.index.len() {
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        push_date(o, t.invoice[i]);
        o.push(b',');
        push_date(o, t.due[i]);
        o.push(b',');
        push_opt_date(o, t.paid[i]);
        o.push(b',');
        push_cents(o, t.amount[i]);
        o.push(b'\n');
    }
}

/// One line per customer: the generating parameters and what came of them.
fn truth(o: &mut Vec<u8>, c: &ChunkData, w: usize) {
    let t = &c.truth;
    let cu = &c.customers;
    for i in 0..t.index.len() {
        push_customer_id(o, t.index[i], w);
        o.push(b',');
        o.extend_from_slice(c.size_labels[usize::from(cu.size[i])].as_bytes());
        o.push(b',');
        o.extend_from_slice(INDUSTRIES[usize::from(cu.industry[i])].as_bytes());
        o.push(b',');
        o.extend_from_slice(TRENDS[usize::from(t.trend[i])].as_bytes());
        o.push(b',');
        push_opt_date(o, t.trend_start[i]);
        o.push(b',');
        push_date(o, cu.signup[i]);
        o.push(b',');
        push_float(o, t.lambda[i]);
        o.push(b',');
        push_float(o, t.p_dropout[i]);
        o.push(b',');
        push_opt_date(o, t.dropout_day[i]);
        o.push(b',');
        push_float(o, t.nu[i]);
        o.push(b',');
        push_float(o, t.expected_spend[i]);
        o.push(b',');
        push_bool(o, t.late_payer[i]);
        o.push(b',');
        push_float(o, t.satisfaction[i]);
        o.push(b',');
        push_float(o, t.share_of_wallet[i]);
        o.push(b',');
        push_bool(o, t.high_maintenance[i]);
        o.push(b',');
        push_u64(o, u64::from(t.orders[i]));
        o.push(b',');
        push_cents(o, t.revenue_cents[i]);
        o.push(b'\n');
    }
}
