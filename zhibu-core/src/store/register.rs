//! A branch's register of volunteers who are not its members, and its service teams: created,
//! corrected, removed (to the trash) and listed. A volunteer who served in an activity, or a team
//! with volunteers, is kept: the activities' records would otherwise lose who served.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{IdNumber, OrgId, Phone, ServiceTeam, Stored, TeamId, ValidationError, Volunteer, VolunteerId};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

impl Writer<'_> {
    /// Registers a volunteer; an ID number already registered is refused.
    pub fn create_volunteer(&mut self, volunteer: &Volunteer) -> Result<VolunteerId> {
        self.check_volunteer(volunteer, None)?;
        self.tx.execute(
            "INSERT INTO volunteers(branch_id, name, kind, id_number, phone, unit, team_id, registered_on, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params_from_iter(volunteer_values(volunteer)),
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit_change::<Volunteer>(
            AuditAction::Create,
            "volunteer",
            Some(id),
            volunteer.name.trim(),
            None,
            Some(volunteer),
        )?;
        Ok(VolunteerId(id))
    }

    /// Corrects a registered volunteer.
    pub fn update_volunteer(&mut self, id: VolunteerId, volunteer: &Volunteer) -> Result<()> {
        let before = volunteer_by_id(&self.tx, id)?;
        self.check_volunteer(volunteer, Some(id))?;
        self.tx.execute(
            "UPDATE volunteers SET branch_id = ?1, name = ?2, kind = ?3, id_number = ?4, phone = ?5, unit = ?6,
                 team_id = ?7, registered_on = ?8, note = ?9 WHERE id = ?10",
            rusqlite::params_from_iter(volunteer_values(volunteer).into_iter().chain([Value::Integer(id.0)])),
        )?;
        self.audit_change(
            AuditAction::Update,
            "volunteer",
            Some(id.0),
            volunteer.name.trim(),
            Some(&before),
            Some(volunteer),
        )
    }

    /// Removes a volunteer registered by mistake (kept in the trash); one who served is kept.
    pub fn delete_volunteer(&mut self, id: VolunteerId) -> Result<Volunteer> {
        let volunteer = volunteer_by_id(&self.tx, id)?;
        let served: i64 =
            self.tx
                .query_row("SELECT count(*) FROM activity_volunteers WHERE volunteer_id = ?1", [id.0], |r| r.get(0))?;
        if served > 0 {
            return Err(ValidationError::new(
                "志愿者",
                format!("已参加{served}次志愿服务，不能删除（台账须保留）"),
                &volunteer.name,
            )
            .into());
        }
        self.tx.execute("DELETE FROM volunteers WHERE id = ?1", [id.0])?;
        self.trash("volunteer", id.0, &volunteer.name, &volunteer)?;
        Ok(volunteer)
    }

    /// Creates a service team; the same name twice in a branch is refused.
    pub fn create_team(&mut self, team: &ServiceTeam) -> Result<TeamId> {
        team.validate()?;
        super::org::require_branch(&self.tx, team.branch, "服务队所属支部")?;
        let inserted = self.tx.execute(
            "INSERT INTO service_teams(branch_id, name, leader, note) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(branch_id, name) DO NOTHING",
            params![team.branch.0, team.name.trim(), team.leader.trim(), team.note.trim()],
        )?;
        if inserted == 0 {
            return Err(StoreError::Duplicate { what: "本支部的服务队", value: team.name.trim().to_owned() });
        }
        let id = self.tx.last_insert_rowid();
        self.audit_change::<ServiceTeam>(
            AuditAction::Create,
            "service_team",
            Some(id),
            team.name.trim(),
            None,
            Some(team),
        )?;
        Ok(TeamId(id))
    }

    /// Renames a team or changes its leader (it stays with its branch).
    pub fn update_team(&mut self, id: TeamId, team: &ServiceTeam) -> Result<()> {
        team.validate()?;
        let before = team_by_id(&self.tx, id)?;
        if team.branch != before.branch {
            return Err(ValidationError::new("服务队所属支部", "不能更改", team.branch).into());
        }
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM service_teams WHERE branch_id = ?1 AND name = ?2 AND id <> ?3",
                params![team.branch.0, team.name.trim(), id.0],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(StoreError::Duplicate { what: "本支部的服务队", value: team.name.trim().to_owned() });
        }
        self.tx.execute(
            "UPDATE service_teams SET name = ?1, leader = ?2, note = ?3 WHERE id = ?4",
            params![team.name.trim(), team.leader.trim(), team.note.trim(), id.0],
        )?;
        self.audit_change(AuditAction::Update, "service_team", Some(id.0), team.name.trim(), Some(&before), Some(team))
    }

    /// Removes a team with no volunteers (kept in the trash).
    pub fn delete_team(&mut self, id: TeamId) -> Result<ServiceTeam> {
        let team = team_by_id(&self.tx, id)?;
        let members: i64 =
            self.tx.query_row("SELECT count(*) FROM volunteers WHERE team_id = ?1", [id.0], |r| r.get(0))?;
        if members > 0 {
            return Err(ValidationError::new("服务队", format!("还有{members}名志愿者，不能删除"), &team.name).into());
        }
        self.tx.execute("DELETE FROM service_teams WHERE id = ?1", [id.0])?;
        self.trash("service_team", id.0, &team.name, &team)?;
        Ok(team)
    }

    fn check_volunteer(&self, volunteer: &Volunteer, id: Option<VolunteerId>) -> Result<()> {
        volunteer.validate()?;
        super::org::require_branch(&self.tx, volunteer.branch, "登记支部")?;
        if let Some(team) = volunteer.team {
            let branch = team_by_id(&self.tx, team)?.branch;
            if branch != volunteer.branch {
                return Err(ValidationError::new("服务队", "不属于登记支部", team).into());
            }
        }
        if let Some(number) = &volunteer.id_number {
            let clash: Option<String> = self
                .tx
                .query_row(
                    "SELECT name FROM volunteers WHERE id_number = ?1 AND id IS NOT ?2",
                    params![number.as_str(), id.map(|i| i.0)],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(name) = clash {
                return Err(ValidationError::new("身份证号", format!("已登记为志愿者{name}"), number.masked()).into());
            }
        }
        Ok(())
    }
}

/// A volunteer's column values in the order of `volunteers`' columns after `id` (INSERT and UPDATE).
fn volunteer_values(v: &Volunteer) -> Vec<Value> {
    let text = |t: &str| Value::Text(t.trim().to_owned());
    vec![
        Value::Integer(v.branch.0),
        text(&v.name),
        Value::Text(codec::code(&v.kind)),
        v.id_number.as_ref().map_or(Value::Null, |n| text(n.as_str())),
        v.phone.as_ref().map_or(Value::Null, |p| text(p.as_str())),
        text(&v.unit),
        v.team.map_or(Value::Null, |t| Value::Integer(t.0)),
        v.registered_on.map_or(Value::Null, |d| Value::Text(d.to_string())),
        text(&v.note),
    ]
}

fn volunteer_by_id(conn: &Connection, id: VolunteerId) -> Result<Volunteer> {
    volunteer_rows(conn, "WHERE id = ?1", params![id.0])?
        .pop()
        .map(|v| v.record)
        .ok_or(StoreError::NotFound { kind: "志愿者", id: id.0 })
}

fn team_by_id(conn: &Connection, id: TeamId) -> Result<ServiceTeam> {
    team_rows(conn, "WHERE id = ?1", params![id.0])?
        .pop()
        .map(|t| t.record)
        .ok_or(StoreError::NotFound { kind: "服务队", id: id.0 })
}

fn volunteer_rows(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Stored<VolunteerId, Volunteer>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, branch_id, name, kind, id_number, phone, unit, team_id, registered_on, note
         FROM volunteers {filter} ORDER BY branch_id, id"
    ))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let corrupt = |what| StoreError::Corrupt { what, value: format!("志愿者{id}") };
        let id_number = match r.get::<_, Option<String>>(4)? {
            Some(text) => Some(IdNumber::parse(&text).map_err(|_| corrupt("身份证号"))?),
            None => None,
        };
        let phone = match r.get::<_, Option<String>>(5)? {
            Some(text) => Some(Phone::parse(&text).map_err(|_| corrupt("联系电话"))?),
            None => None,
        };
        out.push(Stored {
            id: VolunteerId(id),
            record: Volunteer {
                branch: OrgId(r.get(1)?),
                name: r.get(2)?,
                kind: codec::decode("志愿者类别", &r.get::<_, String>(3)?)?,
                id_number,
                phone,
                unit: r.get(6)?,
                team: r.get::<_, Option<i64>>(7)?.map(TeamId),
                registered_on: r.get(8)?,
                note: r.get(9)?,
            },
        });
    }
    Ok(out)
}

fn team_rows(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Stored<TeamId, ServiceTeam>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, branch_id, name, leader, note FROM service_teams {filter} ORDER BY branch_id, id"
    ))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Stored {
            id: TeamId(r.get(0)?),
            record: ServiceTeam { branch: OrgId(r.get(1)?), name: r.get(2)?, leader: r.get(3)?, note: r.get(4)? },
        });
    }
    Ok(out)
}

/// Fails unless volunteer `id` is registered.
pub(super) fn require_volunteer(conn: &Connection, id: VolunteerId) -> Result<()> {
    volunteer_by_id(conn, id).map(|_| ())
}

impl Store {
    /// The register of `branch` (every branch's with None).
    pub fn volunteers(&self, branch: Option<OrgId>) -> Result<Vec<Stored<VolunteerId, Volunteer>>> {
        volunteer_rows(&self.conn, "WHERE ?1 IS NULL OR branch_id = ?1", params![branch.map(|b| b.0)])
    }

    /// One registered volunteer.
    pub fn volunteer(&self, id: VolunteerId) -> Result<Volunteer> {
        volunteer_by_id(&self.conn, id)
    }

    /// The service teams of `branch` (every branch's with None).
    pub fn service_teams(&self, branch: Option<OrgId>) -> Result<Vec<Stored<TeamId, ServiceTeam>>> {
        team_rows(&self.conn, "WHERE ?1 IS NULL OR branch_id = ?1", params![branch.map(|b| b.0)])
    }

    /// One service team.
    pub fn service_team(&self, id: TeamId) -> Result<ServiceTeam> {
        team_by_id(&self.conn, id)
    }
}
