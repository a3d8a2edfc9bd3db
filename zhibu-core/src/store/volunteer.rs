//! Volunteer activities and their participants in the store.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{ActivityId, MemberId, OrgId, Participant, Stored, VolunteerActivity, VolunteerHours, VolunteerId};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::collections::HashMap;

impl Writer<'_> {
    /// Saves a volunteer activity with its participants.
    pub fn create_volunteer_activity(&mut self, activity: &VolunteerActivity) -> Result<ActivityId> {
        self.check_activity(activity)?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO volunteer_activities(title, category, date, starts, ends, place, organiser, organiser_org_id, description)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        stmt.execute(params![
            activity.title.trim(),
            codec::code(&activity.category),
            activity.date,
            activity.starts.format("%H:%M").to_string(),
            activity.ends.format("%H:%M").to_string(),
            activity.place.trim(),
            activity.organiser.trim(),
            activity.organiser_org.map(|o| o.0),
            activity.description.trim(),
        ])?;
        drop(stmt);
        let id = self.tx.last_insert_rowid();
        self.insert_participants(id, activity)?;
        self.audit_change::<VolunteerActivity>(
            AuditAction::Create,
            "volunteer_activity",
            Some(id),
            activity.title.trim(),
            None,
            Some(activity),
        )?;
        Ok(ActivityId(id))
    }

    /// Corrects a saved activity (participants, hours, times).
    pub fn update_volunteer_activity(&mut self, id: ActivityId, activity: &VolunteerActivity) -> Result<()> {
        let before = activity_by_id(&self.tx, id)?;
        self.check_activity(activity)?;
        self.tx.execute(
            "UPDATE volunteer_activities SET title = ?1, category = ?2, date = ?3, starts = ?4, ends = ?5, place = ?6,
                 organiser = ?7, organiser_org_id = ?8, description = ?9 WHERE id = ?10",
            params![
                activity.title.trim(),
                codec::code(&activity.category),
                activity.date,
                activity.starts.format("%H:%M").to_string(),
                activity.ends.format("%H:%M").to_string(),
                activity.place.trim(),
                activity.organiser.trim(),
                activity.organiser_org.map(|o| o.0),
                activity.description.trim(),
                id.0
            ],
        )?;
        self.tx.execute("DELETE FROM volunteer_participants WHERE activity_id = ?1", [id.0])?;
        self.tx.execute("DELETE FROM activity_volunteers WHERE activity_id = ?1", [id.0])?;
        self.insert_participants(id.0, activity)?;
        self.audit_change(
            AuditAction::Update,
            "volunteer_activity",
            Some(id.0),
            activity.title.trim(),
            Some(&before),
            Some(activity),
        )
    }

    /// Deletes an activity (kept in the trash for undo).
    pub fn delete_volunteer_activity(&mut self, id: ActivityId) -> Result<VolunteerActivity> {
        let activity = activity_by_id(&self.tx, id)?;
        self.tx.execute("DELETE FROM volunteer_activities WHERE id = ?1", [id.0])?;
        self.trash("volunteer_activity", id.0, &activity.title, &activity)?;
        Ok(activity)
    }

    fn check_activity(&self, activity: &VolunteerActivity) -> Result<()> {
        activity.validate()?;
        if let Some(org) = activity.organiser_org {
            super::org::org_kind(&self.tx, org)?;
        }
        for p in &activity.participants {
            super::member::require_member(&self.tx, p.member)?;
        }
        for v in &activity.volunteers {
            super::register::require_volunteer(&self.tx, v.volunteer)?;
        }
        Ok(())
    }

    fn insert_participants(&mut self, id: i64, activity: &VolunteerActivity) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO volunteer_participants(activity_id, position, member_id, hours) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, p) in activity.participants.iter().enumerate() {
            stmt.execute(params![id, i as i64, p.member.0, p.hours])?;
        }
        drop(stmt);
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO activity_volunteers(activity_id, position, volunteer_id, hours) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, v) in activity.volunteers.iter().enumerate() {
            stmt.execute(params![id, i as i64, v.volunteer.0, v.hours])?;
        }
        Ok(())
    }
}

/// One activity with its participants.
fn activity_by_id(conn: &Connection, id: ActivityId) -> Result<VolunteerActivity> {
    let date: Option<NaiveDate> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT date FROM volunteer_activities WHERE id = ?1",
        [id.0],
        |r| r.get(0),
    ))?;
    let date = date.ok_or(StoreError::NotFound { kind: "志愿服务活动", id: id.0 })?;
    activities(conn, date, date, None)?
        .into_iter()
        .find(|a| a.id == id)
        .map(|a| a.record)
        .ok_or(StoreError::NotFound { kind: "志愿服务活动", id: id.0 })
}

/// Activities dated `from..=to`, oldest first, with participants.
pub(super) fn activities(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    branch: Option<OrgId>,
) -> Result<Vec<Stored<ActivityId, VolunteerActivity>>> {
    // With a branch: only activities one of its members or registered volunteers took part in
    // (each still with all its participants), found from the branch's people through the member
    // and volunteer indexes; testing every activity of the period against that list instead cost
    // a millisecond a branch on the demo set, paid by every report of a committee batch.
    const COLUMNS: &str =
        "a.id, a.title, a.category, a.date, a.starts, a.ends, a.place, a.organiser, a.organiser_org_id, a.description";
    let mut stmt = match branch {
        Some(_) => conn.prepare_cached(&format!(
            "WITH scope(id) AS (
                 SELECT p.activity_id FROM members mb JOIN volunteer_participants p ON p.member_id = mb.id
                 WHERE mb.branch_id = ?3
                 UNION
                 SELECT av.activity_id FROM volunteers v JOIN activity_volunteers av ON av.volunteer_id = v.id
                 WHERE v.branch_id = ?3)
             SELECT {COLUMNS} FROM scope JOIN volunteer_activities a ON a.id = scope.id
             WHERE a.date BETWEEN ?1 AND ?2 ORDER BY a.date, a.id"
        ))?,
        None => conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM volunteer_activities a WHERE a.date BETWEEN ?1 AND ?2 ORDER BY a.date, a.id"
        ))?,
    };
    let mut rows = match branch {
        Some(branch) => stmt.query(params![from, to, branch.0])?,
        None => stmt.query(params![from, to])?,
    };
    let mut out = Vec::new();
    let time = |text: String| {
        chrono::NaiveTime::parse_from_str(&text, "%H:%M")
            .map_err(|_| StoreError::Corrupt { what: "活动时间", value: text })
    };
    while let Some(r) = rows.next()? {
        out.push(Stored {
            id: ActivityId(r.get(0)?),
            record: VolunteerActivity {
                title: r.get(1)?,
                category: codec::decode("活动类别", &r.get::<_, String>(2)?)?,
                date: codec::day(r, 3)?,
                starts: time(r.get(4)?)?,
                ends: time(r.get(5)?)?,
                place: r.get(6)?,
                organiser: r.get(7)?,
                organiser_org: r.get::<_, Option<i64>>(8)?.map(OrgId),
                description: r.get(9)?,
                participants: Vec::new(),
                volunteers: Vec::new(),
            },
        });
    }
    drop(rows);
    // Each activity's people as (activity's index, position, person, hours), put in their order
    // here: ORDER BY made SQLite set up a sorter, for every activity's handful and for a period's
    // thousands alike, which cost more than the reading.
    type People = Vec<(usize, i64, i64, f64)>;
    let in_order = |mut found: People| {
        found.sort_unstable_by_key(|&(i, position, ..)| (i, position));
        found
    };
    let (participants, volunteers) = if branch.is_some() {
        // A branch's few dozen activities: each one's people through the primary keys.
        let each = |sql: &str| -> Result<People> {
            let mut stmt = conn.prepare_cached(sql)?;
            let mut found = Vec::new();
            for (i, activity) in out.iter().enumerate() {
                let mut rows = stmt.query([activity.id.0])?;
                while let Some(r) = rows.next()? {
                    found.push((i, r.get(0)?, r.get(1)?, r.get(2)?));
                }
            }
            Ok(in_order(found))
        };
        (
            each("SELECT position, member_id, hours FROM volunteer_participants WHERE activity_id = ?1")?,
            each("SELECT position, volunteer_id, hours FROM activity_volunteers WHERE activity_id = ?1")?,
        )
    } else {
        // Every activity of the period: its people read in one pass each.
        let index: HashMap<ActivityId, usize> = out.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let all = |sql: &str| -> Result<People> {
            let mut stmt = conn.prepare_cached(sql)?;
            let mut rows = stmt.query(params![from, to])?;
            let mut found = Vec::new();
            while let Some(r) = rows.next()? {
                if let Some(&i) = index.get(&ActivityId(r.get(0)?)) {
                    found.push((i, r.get(1)?, r.get(2)?, r.get(3)?));
                }
            }
            Ok(in_order(found))
        };
        (
            all("SELECT p.activity_id, p.position, p.member_id, p.hours FROM volunteer_participants p
                 JOIN volunteer_activities a ON a.id = p.activity_id WHERE a.date BETWEEN ?1 AND ?2")?,
            all("SELECT v.activity_id, v.position, v.volunteer_id, v.hours FROM activity_volunteers v
                 JOIN volunteer_activities a ON a.id = v.activity_id WHERE a.date BETWEEN ?1 AND ?2")?,
        )
    };
    for (i, _, member, hours) in participants {
        out[i].record.participants.push(Participant { member: MemberId(member), hours });
    }
    for (i, _, volunteer, hours) in volunteers {
        out[i].record.volunteers.push(VolunteerHours { volunteer: VolunteerId(volunteer), hours });
    }
    Ok(out)
}

impl Store {
    /// One volunteer activity.
    pub fn volunteer_activity(&self, id: ActivityId) -> Result<VolunteerActivity> {
        activity_by_id(&self.conn, id)
    }

    /// Volunteer activities dated `from..=to`, oldest first.
    pub fn volunteer_activities(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Stored<ActivityId, VolunteerActivity>>> {
        activities(&self.conn, from, to, None)
    }

    /// Volunteer activities dated `from..=to` that a member of `branch` took part in (with all
    /// their participants), oldest first.
    pub fn branch_volunteer_activities(
        &self,
        branch: OrgId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Stored<ActivityId, VolunteerActivity>>> {
        activities(&self.conn, from, to, Some(branch))
    }
}
