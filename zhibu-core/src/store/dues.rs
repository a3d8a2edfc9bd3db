//! 党费 in the store: each member's base per year (saved once a year, corrected in place) and the
//! payments or exemptions that settle months, checked against the bases so a month is never
//! settled twice and a payment never falls short of what its months owe.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{
    DuesBase, DuesBaseId, DuesPayment, DuesRates, Fen, MemberId, OrgId, PaymentId, PaymentMethod, Stored,
    ValidationError, YearMonth, yuan,
};
use rusqlite::{Connection, OptionalExtension, params};

impl Writer<'_> {
    /// Saves a member's base for a year: a new one, or the correction of the year's base (there
    /// is one per member and year). `rates` gives the least the monthly amount may be.
    pub fn save_dues_base(&mut self, base: &DuesBase, rates: &DuesRates) -> Result<DuesBaseId> {
        base.validate(rates)?;
        self.write_base(base)
    }

    fn write_base(&mut self, base: &DuesBase) -> Result<DuesBaseId> {
        let member = super::member::member(&self.tx, base.member)?;
        let existing: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM dues_bases WHERE member_id = ?1 AND year = ?2",
                params![base.member.0, base.year],
                |r| r.get(0),
            )
            .optional()?;
        let summary = format!("{} {}年党费基数", member.name, base.year);
        match existing {
            Some(id) => {
                let before = base_by_id(&self.tx, DuesBaseId(id))?;
                self.tx.execute(
                    "UPDATE dues_bases SET category = ?1, income = ?2, monthly = ?3, confirmed_on = ?4, note = ?5
                     WHERE id = ?6",
                    params![
                        codec::code(&base.category),
                        base.income,
                        base.monthly,
                        base.base_confirmed_on,
                        base.note.trim(),
                        id
                    ],
                )?;
                self.audit_change(AuditAction::Update, "dues_base", Some(id), &summary, Some(&before), Some(base))?;
                Ok(DuesBaseId(id))
            }
            None => {
                self.tx.execute(
                    "INSERT INTO dues_bases(member_id, year, category, income, monthly, confirmed_on, note)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        base.member.0,
                        base.year,
                        codec::code(&base.category),
                        base.income,
                        base.monthly,
                        base.base_confirmed_on,
                        base.note.trim()
                    ],
                )?;
                let id = self.tx.last_insert_rowid();
                self.audit_change::<DuesBase>(AuditAction::Create, "dues_base", Some(id), &summary, None, Some(base))?;
                Ok(DuesBaseId(id))
            }
        }
    }

    /// Deletes a base entered by mistake (kept in the trash for undo).
    pub fn delete_dues_base(&mut self, id: DuesBaseId) -> Result<DuesBase> {
        let base = base_by_id(&self.tx, id)?;
        let member = super::member::member(&self.tx, base.member)?;
        self.tx.execute("DELETE FROM dues_bases WHERE id = ?1", [id.0])?;
        self.trash("dues_base", id.0, &format!("{} {}年党费基数", member.name, base.year), &base)?;
        Ok(base)
    }

    /// Restores a base from the trash as it was (its amount was checked when it was saved).
    pub(super) fn restore_dues_base(&mut self, base: &DuesBase) -> Result<DuesBaseId> {
        self.write_base(base)
    }

    /// Records a payment (or exemption) for whole months.
    pub fn create_dues_payment(&mut self, payment: &DuesPayment) -> Result<PaymentId> {
        let summary = self.check_payment(payment, None)?;
        self.tx.execute(
            "INSERT INTO dues_payments(member_id, from_month, to_month, amount, paid_on, method, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                payment.member.0,
                payment.from.to_string(),
                payment.to.to_string(),
                payment.amount,
                payment.paid_on,
                codec::code(&payment.method),
                payment.note.trim()
            ],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit_change::<DuesPayment>(AuditAction::Create, "dues_payment", Some(id), &summary, None, Some(payment))?;
        Ok(PaymentId(id))
    }

    /// Corrects a recorded payment.
    pub fn update_dues_payment(&mut self, id: PaymentId, payment: &DuesPayment) -> Result<()> {
        let before = payment_by_id(&self.tx, id)?;
        let summary = self.check_payment(payment, Some(id))?;
        self.tx.execute(
            "UPDATE dues_payments SET member_id = ?1, from_month = ?2, to_month = ?3, amount = ?4, paid_on = ?5,
                 method = ?6, note = ?7 WHERE id = ?8",
            params![
                payment.member.0,
                payment.from.to_string(),
                payment.to.to_string(),
                payment.amount,
                payment.paid_on,
                codec::code(&payment.method),
                payment.note.trim(),
                id.0
            ],
        )?;
        self.audit_change(AuditAction::Update, "dues_payment", Some(id.0), &summary, Some(&before), Some(payment))
    }

    /// Deletes a payment entered by mistake (kept in the trash for undo).
    pub fn delete_dues_payment(&mut self, id: PaymentId) -> Result<DuesPayment> {
        let payment = payment_by_id(&self.tx, id)?;
        let member = super::member::member(&self.tx, payment.member)?;
        self.tx.execute("DELETE FROM dues_payments WHERE id = ?1", [id.0])?;
        self.trash("dues_payment", id.0, &payment_summary(&member.name, &payment), &payment)?;
        Ok(payment)
    }

    /// Checks a payment against the member's bases and other payments; returns its audit summary.
    fn check_payment(&self, payment: &DuesPayment, id: Option<PaymentId>) -> Result<String> {
        payment.validate()?;
        let member = super::member::member(&self.tx, payment.member)?;
        if payment.from < YearMonth::of(member.joined_on) {
            return Err(ValidationError::new(
                "起始月份",
                format!("早于入党时间{}", YearMonth::of(member.joined_on).label()),
                payment.from.label(),
            )
            .into());
        }
        let bases = member_bases(&self.tx, payment.member)?;
        let mut owed: Fen = 0;
        for month in payment.months() {
            let base = bases.iter().filter(|b| b.record.year <= month.year).max_by_key(|b| b.record.year);
            let Some(base) = base else {
                return Err(ValidationError::new(
                    "缴费月份",
                    format!("{}没有确认党费基数，请先确认基数", member.name),
                    month.label(),
                )
                .into());
            };
            owed += base.record.monthly;
        }
        if payment.method != PaymentMethod::Exempt && payment.amount < owed {
            return Err(ValidationError::new(
                "金额",
                format!("少于{}至{}应交的{}元", payment.from.label(), payment.to.label(), yuan(owed)),
                format!("{}元", yuan(payment.amount)),
            )
            .into());
        }
        let clash: Option<(String, String)> = self
            .tx
            .query_row(
                "SELECT from_month, to_month FROM dues_payments
                 WHERE member_id = ?1 AND from_month <= ?3 AND to_month >= ?2 AND id IS NOT ?4 LIMIT 1",
                params![payment.member.0, payment.from.to_string(), payment.to.to_string(), id.map(|i| i.0)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((from, to)) = clash {
            let label = |m: &str| YearMonth::parse(m).map_or_else(|| m.to_owned(), YearMonth::label);
            return Err(ValidationError::new(
                "缴费月份",
                format!("与已记录的{}至{}重叠", label(&from), label(&to)),
                format!("{} {}至{}", member.name, payment.from.label(), payment.to.label()),
            )
            .into());
        }
        Ok(payment_summary(&member.name, payment))
    }
}

fn payment_summary(name: &str, payment: &DuesPayment) -> String {
    let months = if payment.from == payment.to {
        payment.from.label()
    } else {
        format!("{}至{}", payment.from.label(), payment.to.label())
    };
    match payment.method {
        PaymentMethod::Exempt => format!("{name} {months}免交党费"),
        _ => format!("{name} {months}党费{}元", yuan(payment.amount)),
    }
}

fn base_by_id(conn: &Connection, id: DuesBaseId) -> Result<DuesBase> {
    base_rows(conn, "WHERE b.id = ?1", params![id.0])?
        .pop()
        .map(|b| b.record)
        .ok_or(StoreError::NotFound { kind: "党费基数", id: id.0 })
}

fn payment_by_id(conn: &Connection, id: PaymentId) -> Result<DuesPayment> {
    payment_rows(conn, "WHERE p.id = ?1", params![id.0])?
        .pop()
        .map(|p| p.record)
        .ok_or(StoreError::NotFound { kind: "党费缴纳记录", id: id.0 })
}

/// Bases of a branch's members (or everyone's); every year. With a branch the query goes through
/// the branch's members and the (member, year) index: a branch's report reads only its own rows.
pub(super) fn bases(conn: &Connection, branch: Option<OrgId>) -> Result<Vec<Stored<DuesBaseId, DuesBase>>> {
    match branch {
        Some(branch) => {
            base_rows(conn, "JOIN members m ON m.id = b.member_id WHERE m.branch_id = ?1", params![branch.0])
        }
        None => base_rows(conn, "", params![]),
    }
}

/// One member's bases, every year, through the (member, year) index: a payment is checked
/// against them, and a list import checks thousands of payments.
fn member_bases(conn: &Connection, member: MemberId) -> Result<Vec<Stored<DuesBaseId, DuesBase>>> {
    base_rows(conn, "WHERE b.member_id = ?1", params![member.0])
}

/// Payments of a branch's members (or everyone's); every year, oldest month first (through the
/// branch's members and the (member, month) index when a branch is given).
pub(super) fn payments(conn: &Connection, branch: Option<OrgId>) -> Result<Vec<Stored<PaymentId, DuesPayment>>> {
    match branch {
        Some(branch) => {
            payment_rows(conn, "JOIN members m ON m.id = p.member_id WHERE m.branch_id = ?1", params![branch.0])
        }
        None => payment_rows(conn, "", params![]),
    }
}

/// The payments the dues rule needs for `year` (of a branch's members, every member's with
/// None): those settling a month of the year or later, and each member's payment ending last
/// before it. An unpaid run reaching into the year starts after the last month settled before
/// it, which that one payment gives; earlier payments cannot change the run.
pub(super) fn payments_for_rule(
    conn: &Connection,
    year: i32,
    branch: Option<OrgId>,
) -> Result<Vec<Stored<PaymentId, DuesPayment>>> {
    let first = format!("{year:04}-01");
    // Per member through the (member, last month) index: a seek each, not every payment read.
    let members = if branch.is_some() { "members m WHERE m.branch_id = ?2" } else { "members m WHERE ?2 IS NULL" };
    let filter = format!(
        "JOIN (SELECT m.id FROM {members}) s ON p.member_id = s.id AND p.to_month >= ?1
         UNION ALL {PAYMENT_COLUMNS} FROM (SELECT (SELECT q.id FROM dues_payments q WHERE q.member_id = m.id
             AND q.to_month < ?1 ORDER BY q.to_month DESC, q.id DESC LIMIT 1) AS last FROM {members}) s
         JOIN dues_payments p ON p.id = s.last"
    );
    payment_rows(conn, &filter, params![first, branch.map(|b| b.0)])
}

fn base_rows(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Stored<DuesBaseId, DuesBase>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT b.id, b.member_id, b.year, b.category, b.income, b.monthly, b.confirmed_on, b.note
         FROM dues_bases b {filter} ORDER BY b.member_id, b.year"
    ))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    let mut categories = codec::Codes::new("党费类别");
    while let Some(r) = rows.next()? {
        out.push(Stored {
            id: DuesBaseId(r.get(0)?),
            record: DuesBase {
                member: MemberId(r.get(1)?),
                year: r.get(2)?,
                category: categories.decode(r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?)?,
                income: r.get(4)?,
                monthly: r.get(5)?,
                base_confirmed_on: codec::day(r, 6)?,
                note: r.get(7)?,
            },
        });
    }
    Ok(out)
}

const PAYMENT_COLUMNS: &str =
    "SELECT p.id, p.member_id, p.from_month, p.to_month, p.amount, p.paid_on, p.method, p.note";

fn payment_rows(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Stored<PaymentId, DuesPayment>>> {
    let mut stmt = conn.prepare_cached(&format!("{PAYMENT_COLUMNS} FROM dues_payments p {filter}"))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    // Months and the method are read in place (every payment of every year is read: a member's
    // unpaid run may reach back to their first base).
    let month = |text: &str| {
        YearMonth::parse(text).ok_or_else(|| StoreError::Corrupt { what: "缴费月份", value: text.to_owned() })
    };
    let mut methods = codec::Codes::new("缴纳方式");
    while let Some(r) = rows.next()? {
        out.push(Stored {
            id: PaymentId(r.get(0)?),
            record: DuesPayment {
                member: MemberId(r.get(1)?),
                from: month(r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?)?,
                to: month(r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?)?,
                amount: r.get(4)?,
                paid_on: codec::day(r, 5)?,
                method: methods.decode(r.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?)?,
                note: r.get(7)?,
            },
        });
    }
    // Sorted here, not by the query: ORDER BY made SQLite walk the (member, month) index and look
    // each row up in the table, slower than reading the table in order and sorting (every
    // member's payments of every year are read for a compliance run). The id breaks ties as the
    // index did.
    out.sort_unstable_by_key(|p| (p.record.member, p.record.from, p.id.0));
    Ok(out)
}

impl Store {
    /// Dues bases of a branch's members (every member's with None), every year.
    pub fn dues_bases(&self, branch: Option<OrgId>) -> Result<Vec<Stored<DuesBaseId, DuesBase>>> {
        bases(&self.conn, branch)
    }

    /// Dues payments of a branch's members (every member's with None), every year.
    pub fn dues_payments(&self, branch: Option<OrgId>) -> Result<Vec<Stored<PaymentId, DuesPayment>>> {
        payments(&self.conn, branch)
    }
}

impl Store {
    /// One dues base.
    pub fn dues_base(&self, id: DuesBaseId) -> Result<DuesBase> {
        base_by_id(&self.conn, id)
    }

    /// One dues payment.
    pub fn dues_payment(&self, id: PaymentId) -> Result<DuesPayment> {
        payment_by_id(&self.conn, id)
    }
}
