//! The records store: one SQLite file per installation, reached only through this module.
//!
//! Opening a [`Store`] sets the pragmas (WAL, `synchronous=FULL`, foreign keys), checks
//! the file is a Zhibu database and runs pending migrations. Reads are methods on
//! [`Store`]; every write is a method on [`Writer`], which only exists inside
//! [`Store::write`]: one `BEGIN IMMEDIATE` transaction that also appends an audit-log
//! row per operation and is rolled back whole if any step fails. Records are validated
//! (the domain's `validate`) before any SQL runs, so an invalid record writes nothing.

mod audit;
mod backup;
mod codec;
mod dues;
mod election;
mod error;
mod evaluation;
mod meeting;
mod member;
mod migrate;
mod org;
mod rating;
mod register;
mod sync;
mod volunteer;

pub use audit::{AuditAction, AuditEntry, AuditQuery, TrashItem, record_kind_label};
pub use backup::{BackupSummary, InstanceLock, RestoreSummary, attachments_dir_of, check_backup, restore_from};
pub use election::RecordAmendment;
pub use error::{Result, StoreError};
pub use meeting::{Amendment, MeetingFilter};
pub use migrate::{APPLICATION_ID, MIGRATIONS, latest_version};
pub use sync::{Change, Feedback, LastReport, Route, SYNCED};

use crate::domain::Ledger;
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    operator: String,
    attachments_dir: PathBuf,
    /// A second read-only connection, opened by the first read that splits its work across two
    /// cores and kept: opening one and parsing the schema costs more (3–6 ms) than the split saves.
    second: std::sync::Mutex<Option<Connection>>,
    /// Read-only connections a batch's workers used, kept for the next batch: a new one pays
    /// the schema parse, every statement's preparation and a cold page cache again, about
    /// 20 ms before its first report. Closed with the store.
    spare: std::sync::Mutex<Vec<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`; writes are logged under `operator`.
    ///
    /// Attachments live beside the database in `attachments/`.
    pub fn open(path: &Path, operator: &str) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::setup(conn, path.to_owned(), operator, backup::attachments_dir_of(path))
    }

    /// Opens an existing database; unlike [`Store::open`] it never creates an empty file.
    pub fn open_existing(path: &Path, operator: &str) -> Result<Self> {
        if !path.is_file() {
            return Err(StoreError::NoDatabase(path.to_owned()));
        }
        Self::open(path, operator)
    }

    /// A read-only store on `conn`, a connection to `path`, which another connection has opened
    /// (checked and migrated) already: no integrity check or migration, and no write can go
    /// through it.
    fn reader_on(conn: Connection, path: &Path) -> Self {
        Self {
            conn,
            path: path.to_owned(),
            operator: String::new(),
            attachments_dir: backup::attachments_dir_of(path),
            second: std::sync::Mutex::default(),
            spare: std::sync::Mutex::default(),
        }
    }

    /// Where a batch's workers borrow read connections to this store's database: each worker
    /// borrows one for the batch ([`Readers::lend`]) and gives it back when it is done
    /// ([`Readers::give_back`]), for the next batch.
    pub fn readers(&self) -> Readers<'_> {
        Readers { path: &self.path, spare: &self.spare }
    }

    /// Opens a private in-memory database (tests, previews); attachments go to `attachments_dir`.
    pub fn open_in_memory(operator: &str, attachments_dir: &Path) -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        Self::setup(conn, PathBuf::from(":memory:"), operator, attachments_dir.to_owned())
    }

    fn setup(mut conn: Connection, path: PathBuf, operator: &str, attachments_dir: PathBuf) -> Result<Self> {
        // Check before anything writes: a damaged file is reported and left untouched.
        backup::quick_check(&conn, &path)?;
        // WAL keeps readers working during a write; FULL makes each commit durable on power
        // loss (an archive of record must not lose the last saved meeting).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        // Off while migrating (SQLite's way of rebuilding a table others refer to); each
        // migration is checked with foreign_key_check before it commits.
        conn.pragma_update(None, "foreign_keys", false)?;
        migrate::migrate(&mut conn, &path)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        Ok(Self {
            conn,
            path,
            operator: operator.trim().to_owned(),
            attachments_dir,
            second: std::sync::Mutex::default(),
            spare: std::sync::Mutex::default(),
        })
    }

    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The operator name recorded in the audit log.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// Changes the operator name recorded from now on.
    pub fn set_operator(&mut self, operator: &str) {
        operator.trim().clone_into(&mut self.operator);
    }

    /// The folder holding attachment files by content hash.
    pub fn attachments_dir(&self) -> &Path {
        &self.attachments_dir
    }

    /// Runs `work` in one immediate transaction: all its writes are committed together, or,
    /// if it returns an error, none are.
    ///
    /// The closure's error type may be any type a [`StoreError`] converts into, so a service
    /// can run its own steps inside the transaction.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        work: impl FnOnce(&mut Writer<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let path = &self.path;
        // A full disk is reported with the database's path, so the user knows which disk to clear.
        let located = move |e: rusqlite::Error| match StoreError::from(e) {
            StoreError::DiskFull(_) => StoreError::DiskFull(path.clone()),
            other => other,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(located)?;
        let now = chrono::Local::now().naive_local().format("%Y-%m-%d %H:%M:%S").to_string();
        let mut writer = Writer { tx, operator: &self.operator, now, attachments_dir: &self.attachments_dir };
        let value = work(&mut writer)?;
        writer.tx.commit().map_err(located)?;
        Ok(value)
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The records the rules need for meetings and activities dated `from..=to`: the whole
    /// organization tree, every term and member, the volunteer activities in range, and the
    /// meetings in range with their attendance and resolutions (agenda, speeches, observers and
    /// attachments are not loaded: the rules never read them; use [`Store::meetings`] for those).
    pub fn ledger(&self, from: NaiveDate, to: NaiveDate) -> Result<Ledger> {
        self.ledger_for(from, to, None)
    }

    /// [`Store::ledger`] limited to one branch's members, meetings and the volunteer activities
    /// its members took part in (the tree and terms stay whole: they are small).
    pub fn ledger_for(&self, from: NaiveDate, to: NaiveDate, branch: Option<crate::domain::OrgId>) -> Result<Ledger> {
        self.load_ledger(&LedgerReads::span(from, to, true), branch)
    }

    /// [`Store::ledger_for`] with every meeting detail (agenda, speeches, observers, attachments),
    /// for a caller that needs both the rules' view and the full meeting records.
    pub fn detailed_ledger_for(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        branch: Option<crate::domain::OrgId>,
    ) -> Result<Ledger> {
        self.load_ledger(&LedgerReads::span(from, to, false), branch)
    }

    /// What a report on `year` reads: the year's [`Store::ledger_for`] (with every meeting detail
    /// when `detailed`), less what a report would read twice or not at all:
    /// - the days present from `presence_from` (the rules' look back) to the year's end, once;
    /// - the volunteer activities from `activities_from` on (certificates count hours from the
    ///   beginning): the caller keeps the year's for the rules rather than reading them again;
    /// - only the dues payments the dues rule reads for the year (`dues::payments_for_rule`);
    ///   a report's dues figures come from the dues service, not from this ledger.
    pub fn report_ledger(
        &self,
        year: i32,
        presence_from: NaiveDate,
        activities_from: NaiveDate,
        branch: Option<crate::domain::OrgId>,
        detailed: bool,
    ) -> Result<Ledger> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
        let reads = LedgerReads {
            presence_from: presence_from.min(from),
            activities_from: activities_from.min(from),
            payments_for: Some(year),
            ..LedgerReads::span(from, to, !detailed)
        };
        self.load_ledger(&reads, branch)
    }

    fn load_ledger(&self, reads: &LedgerReads, branch: Option<crate::domain::OrgId>) -> Result<Ledger> {
        let filter = MeetingFilter { branch, summary: reads.summary, ..MeetingFilter::between(reads.from, reads.to) };
        let meetings = meeting::load_meetings(&self.conn, &filter)?;
        // The counts the store keeps, not a recount over this ledger's members and meetings: a
        // branch's ledger lacks members who have moved on, who had voting rights at its meetings,
        // and the meetings of other branches its members took part in.
        let attendance = crate::domain::AttendanceSummary {
            tallies: meeting::tallies(&self.conn, &filter)?,
            presence: meeting::presence(&self.conn, reads.presence_from, reads.to, branch)?,
        };
        let dues_payments = match reads.payments_for {
            Some(year) => dues::payments_for_rule(&self.conn, year, branch)?,
            None => dues::payments(&self.conn, branch)?,
        };
        Ok(Ledger {
            organizations: org::organizations(&self.conn)?,
            terms: org::terms(&self.conn, None)?,
            members: member::members(&self.conn, branch)?,
            meetings,
            volunteer_activities: volunteer::activities(&self.conn, reads.activities_from, reads.to, branch)?,
            records_start: meeting::records_start(&self.conn, branch)?,
            dues_bases: dues::bases(&self.conn, branch)?,
            dues_payments,
            attendance: Some(attendance),
        })
    }

    /// What the compliance rules read to evaluate `year` (for `branch`, or every branch), its
    /// participation rule looking back to `from`:
    /// - the tree, terms, members and dues bases, as in [`Store::ledger_for`];
    /// - the year's meetings and volunteer activities, the meetings without attendance rows;
    ///   [`Ledger::attendance`] holds each meeting's counts and each member's days present from
    ///   `from` to the year's end instead, which the store keeps up to date as records are
    ///   written (a row per meeting and per member and year, not the ~100,000 attendance rows);
    /// - only the dues payments the dues rule reads (see `dues::payments_for_rule`).
    pub fn compliance_ledger(
        &self,
        year: i32,
        from: NaiveDate,
        branch: Option<crate::domain::OrgId>,
    ) -> Result<Ledger> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(from);
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first);
        let from = from.min(first);
        let filter =
            MeetingFilter { branch, summary: true, without_attendance: true, ..MeetingFilter::between(first, last) };
        // The dues and presence rows are read on a second read-only connection on another core
        // while this one reads the rest (about half the time each). A database in memory has no
        // second connection: it is read here, one part after the other.
        let dues_and_presence = |conn: &Connection| -> Result<_> {
            Ok((
                dues::bases(conn, branch)?,
                dues::payments_for_rule(conn, year, branch)?,
                meeting::presence(conn, from, last, branch)?,
            ))
        };
        // Taken out while in use (a read on another thread of this store opens its own).
        let kept = self.second.lock().map(|mut kept| kept.take()).unwrap_or_default();
        let second = match (kept, self.path.to_str()) {
            (Some(conn), _) => Some(conn),
            (None, Some(":memory:")) => None,
            (None, _) => Some(read_connection(&self.path)?),
        };
        let rest = |conn: &Connection| -> Result<_> {
            Ok(Ledger {
                organizations: org::organizations(conn)?,
                terms: org::terms(conn, None)?,
                members: member::members(conn, branch)?,
                meetings: meeting::load_meetings(conn, &filter)?,
                volunteer_activities: volunteer::activities(conn, first, last, branch)?,
                records_start: meeting::records_start(conn, branch)?,
                attendance: Some(crate::domain::AttendanceSummary {
                    tallies: meeting::tallies(conn, &filter)?,
                    presence: std::collections::HashMap::new(),
                }),
                ..Ledger::default()
            })
        };
        let (ledger, other) = match second {
            Some(second) => std::thread::scope(|scope| {
                let other = scope.spawn(move || {
                    let read = dues_and_presence(&second);
                    (second, read)
                });
                let ledger = rest(&self.conn);
                let (second, other) = other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                if let Ok(mut kept) = self.second.lock() {
                    *kept = Some(second);
                }
                (ledger, other)
            }),
            None => (rest(&self.conn), dues_and_presence(&self.conn)),
        };
        let (mut ledger, (bases, payments, presence)) = (ledger?, other?);
        ledger.dues_bases = bases;
        ledger.dues_payments = payments;
        if let Some(attendance) = ledger.attendance.as_mut() {
            attendance.presence = presence;
        }
        Ok(ledger)
    }

    /// The newest year up to `up_to` holding a meeting, activity or evaluation (the year a
    /// window opens on), if any.
    pub fn newest_record_year(&self, up_to: i32) -> Result<Option<i32>> {
        let bound = format!("{:04}-12-31T99", up_to);
        let year: Option<i32> = self.conn.query_row(
            "SELECT max(y) FROM (
                 SELECT max(CAST(substr(starts_at, 1, 4) AS INTEGER)) AS y FROM meetings WHERE starts_at <= ?1
                 UNION ALL SELECT max(CAST(substr(date, 1, 4) AS INTEGER)) FROM volunteer_activities WHERE date <= ?1
                 UNION ALL SELECT max(year) FROM duty_reviews WHERE year <= ?2
                 UNION ALL SELECT max(year) FROM star_ratings WHERE year <= ?2)",
            rusqlite::params![bound, up_to],
            |r| r.get(0),
        )?;
        Ok(year)
    }

    /// A value from the settings table (unit name, operator, …).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}

/// A store's read connections for a batch's workers (see [`Store::readers`]); shared by the
/// workers' threads, where the store itself cannot go.
pub struct Readers<'a> {
    path: &'a Path,
    spare: &'a std::sync::Mutex<Vec<Connection>>,
}

impl Readers<'_> {
    /// A read-only store on one of the kept connections, or on a new one.
    pub fn lend(&self) -> Result<Store> {
        let kept = self.spare.lock().ok().and_then(|mut spare| spare.pop());
        let conn = match kept {
            Some(conn) => conn,
            None => read_connection(self.path)?,
        };
        Ok(Store::reader_on(conn, self.path))
    }

    /// Keeps a lent store's connection for the next batch (a store on another database is
    /// closed instead).
    pub fn give_back(&self, store: Store) {
        if store.path != self.path {
            return;
        }
        // A poisoned lock only loses the keeping: the connection is closed instead.
        if let Ok(mut spare) = self.spare.lock() {
            spare.push(store.conn);
        }
    }
}

/// What [`Store::load_ledger`] reads: meetings dated `from..=to` (without their details when
/// `summary`), the days present and volunteer activities from their own first day to `to`, and
/// every dues payment or, with `payments_for`, those the dues rule reads for that year.
struct LedgerReads {
    from: NaiveDate,
    to: NaiveDate,
    summary: bool,
    presence_from: NaiveDate,
    activities_from: NaiveDate,
    payments_for: Option<i32>,
}

impl LedgerReads {
    fn span(from: NaiveDate, to: NaiveDate, summary: bool) -> Self {
        Self { from, to, summary, presence_from: from, activities_from: from, payments_for: None }
    }
}

/// Prepared statements a connection keeps: a report's request runs about 25 distinct ones
/// (rusqlite keeps 16 by default, so every request prepared a third of them again).
const STATEMENTS_KEPT: usize = 64;

/// A read-only connection to an open database (no checks or migrations: its opener ran them).
fn read_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
    Ok(conn)
}

/// The write side of the store, alive for one transaction (see [`Store::write`]).
pub struct Writer<'a> {
    tx: rusqlite::Transaction<'a>,
    operator: &'a str,
    now: String,
    attachments_dir: &'a Path,
}

impl Writer<'_> {
    /// Sets a value in the settings table.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        self.audit(AuditAction::Update, "setting", None, key)?;
        Ok(())
    }
}
