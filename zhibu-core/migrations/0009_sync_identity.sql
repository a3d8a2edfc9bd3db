-- 0009: stable identity for reporting up to the committee (issue 17). Every record that can leave
-- this PC gets a UUID made here when it is created (local integer ids never leave the PC); the
-- installation gets its own id; and every write bumps a per-branch change counter, recording the
-- record's newest change (a delete leaves a tombstone), so a branch can send everything changed
-- since the committee's last acknowledged counter. Triggers do it, so no write path can miss it:
-- a record's own children (attendance, scores, …) travel with it and change only through it.

CREATE TABLE sync_counters (
    branch_key TEXT PRIMARY KEY,        -- the branch's UUID; '' for records of no branch (committees, sheets)
    counter    INTEGER NOT NULL CHECK (counter > 0)
) STRICT;

CREATE TABLE sync_changes (
    branch_key  TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_uuid TEXT NOT NULL,
    counter     INTEGER NOT NULL,        -- the branch's counter at the record's newest change
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    PRIMARY KEY (branch_key, record_kind, record_uuid)
) STRICT;
CREATE INDEX sync_changes_since ON sync_changes(branch_key, counter);

INSERT INTO settings(key, value) SELECT 'installation_id', lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'installation_id');

DROP TRIGGER meetings_final_locked;

-- Every record there is gets its UUID.
ALTER TABLE organizations ADD COLUMN uuid TEXT;
UPDATE organizations SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX organizations_uuid ON organizations(uuid);
ALTER TABLE members ADD COLUMN uuid TEXT;
UPDATE members SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX members_uuid ON members(uuid);
ALTER TABLE committee_terms ADD COLUMN uuid TEXT;
UPDATE committee_terms SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX committee_terms_uuid ON committee_terms(uuid);
ALTER TABLE meetings ADD COLUMN uuid TEXT;
UPDATE meetings SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX meetings_uuid ON meetings(uuid);
ALTER TABLE elections ADD COLUMN uuid TEXT;
UPDATE elections SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX elections_uuid ON elections(uuid);
ALTER TABLE duty_reviews ADD COLUMN uuid TEXT;
UPDATE duty_reviews SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX duty_reviews_uuid ON duty_reviews(uuid);
ALTER TABLE member_appraisals ADD COLUMN uuid TEXT;
UPDATE member_appraisals SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX member_appraisals_uuid ON member_appraisals(uuid);
ALTER TABLE rating_schemes ADD COLUMN uuid TEXT;
UPDATE rating_schemes SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX rating_schemes_uuid ON rating_schemes(uuid);
ALTER TABLE rating_subjects ADD COLUMN uuid TEXT;
UPDATE rating_subjects SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX rating_subjects_uuid ON rating_subjects(uuid);
ALTER TABLE star_ratings ADD COLUMN uuid TEXT;
UPDATE star_ratings SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX star_ratings_uuid ON star_ratings(uuid);
ALTER TABLE volunteer_activities ADD COLUMN uuid TEXT;
UPDATE volunteer_activities SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX volunteer_activities_uuid ON volunteer_activities(uuid);
ALTER TABLE service_teams ADD COLUMN uuid TEXT;
UPDATE service_teams SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX service_teams_uuid ON service_teams(uuid);
ALTER TABLE volunteers ADD COLUMN uuid TEXT;
UPDATE volunteers SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX volunteers_uuid ON volunteers(uuid);
ALTER TABLE dues_bases ADD COLUMN uuid TEXT;
UPDATE dues_bases SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX dues_bases_uuid ON dues_bases(uuid);
ALTER TABLE dues_payments ADD COLUMN uuid TEXT;
UPDATE dues_payments SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX dues_payments_uuid ON dues_payments(uuid);

-- A final meeting is locked against edits except by amendment; giving it its UUID once is not an edit.
CREATE TRIGGER meetings_final_locked BEFORE UPDATE ON meetings
    WHEN OLD.status = 'final' AND NEW.revision = OLD.revision AND OLD.uuid IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, '会议记录已定稿，只能以更正方式修改');
END;

-- Every record there is counts as changed once, in the order of its table and id.
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce(CASE x.kind WHEN 'branch' THEN x.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = x.parent_id) END, ''), 'organization', x.uuid, 0, 0 FROM organizations x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.branch_id), ''), 'member', x.uuid, 0, 0 FROM members x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.org_id), ''), 'committee_term', x.uuid, 0, 0 FROM committee_terms x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.branch_id), ''), 'meeting', x.uuid, 0, 0 FROM meetings x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.org_id), ''), 'election', x.uuid, 0, 0 FROM elections x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.branch_id), ''), 'duty_review', x.uuid, 0, 0 FROM duty_reviews x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = x.member_id)), ''), 'member_appraisal', x.uuid, 0, 0 FROM member_appraisals x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce(NULL, ''), 'rating_scheme', x.uuid, 0, 0 FROM rating_schemes x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.branch_id), ''), 'rating_subject', x.uuid, 0, 0 FROM rating_subjects x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = x.subject_id)), ''), 'star_rating', x.uuid, 0, 0 FROM star_ratings x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.organiser_org_id), ''), 'volunteer_activity', x.uuid, 0, 0 FROM volunteer_activities x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.branch_id), ''), 'service_team', x.uuid, 0, 0 FROM service_teams x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = x.branch_id), ''), 'volunteer', x.uuid, 0, 0 FROM volunteers x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = x.member_id)), ''), 'dues_base', x.uuid, 0, 0 FROM dues_bases x;
INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
    SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = x.member_id)), ''), 'dues_payment', x.uuid, 0, 0 FROM dues_payments x;
-- Number them 1, 2, … per branch, and start each branch's counter after the last.
UPDATE sync_changes SET counter = numbered.n
    FROM (SELECT rowid AS row, row_number() OVER (PARTITION BY branch_key ORDER BY rowid) AS n FROM sync_changes) AS numbered
    WHERE sync_changes.rowid = numbered.row;
INSERT INTO sync_counters(branch_key, counter) SELECT branch_key, max(counter) FROM sync_changes GROUP BY branch_key;

CREATE TRIGGER organizations_sync_insert AFTER INSERT ON organizations
BEGIN
    UPDATE organizations SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce(CASE NEW.kind WHEN 'branch' THEN (SELECT uuid FROM organizations WHERE id = NEW.id) WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce(CASE NEW.kind WHEN 'branch' THEN (SELECT uuid FROM organizations WHERE id = NEW.id) WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, ''), 'organization', (SELECT uuid FROM organizations WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce(CASE NEW.kind WHEN 'branch' THEN (SELECT uuid FROM organizations WHERE id = NEW.id) WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER organizations_sync_update AFTER UPDATE ON organizations WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce(CASE NEW.kind WHEN 'branch' THEN NEW.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce(CASE NEW.kind WHEN 'branch' THEN NEW.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, ''), 'organization', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce(CASE NEW.kind WHEN 'branch' THEN NEW.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, ''), 1
        WHERE coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, '') <> coalesce(CASE NEW.kind WHEN 'branch' THEN NEW.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, ''), 'organization', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, '')), 1
        WHERE coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, '') <> coalesce(CASE NEW.kind WHEN 'branch' THEN NEW.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = NEW.parent_id) END, '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER organizations_sync_delete AFTER DELETE ON organizations
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, ''), 'organization', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce(CASE OLD.kind WHEN 'branch' THEN OLD.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = OLD.parent_id) END, '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER members_sync_insert AFTER INSERT ON members
BEGIN
    UPDATE members SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'member', (SELECT uuid FROM members WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER members_sync_update AFTER UPDATE ON members WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'member', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'member', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER members_sync_delete AFTER DELETE ON members
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'member', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER committee_terms_sync_insert AFTER INSERT ON committee_terms
BEGIN
    UPDATE committee_terms SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 'committee_term', (SELECT uuid FROM committee_terms WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER committee_terms_sync_update AFTER UPDATE ON committee_terms WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 'committee_term', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 'committee_term', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER committee_terms_sync_delete AFTER DELETE ON committee_terms
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 'committee_term', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER meetings_sync_insert AFTER INSERT ON meetings
BEGIN
    UPDATE meetings SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'meeting', (SELECT uuid FROM meetings WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER meetings_sync_update AFTER UPDATE ON meetings WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'meeting', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'meeting', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER meetings_sync_delete AFTER DELETE ON meetings
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'meeting', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER elections_sync_insert AFTER INSERT ON elections
BEGIN
    UPDATE elections SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 'election', (SELECT uuid FROM elections WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER elections_sync_update AFTER UPDATE ON elections WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), ''), 'election', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 'election', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.org_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER elections_sync_delete AFTER DELETE ON elections
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), ''), 'election', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.org_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER duty_reviews_sync_insert AFTER INSERT ON duty_reviews
BEGIN
    UPDATE duty_reviews SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'duty_review', (SELECT uuid FROM duty_reviews WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER duty_reviews_sync_update AFTER UPDATE ON duty_reviews WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'duty_review', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'duty_review', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER duty_reviews_sync_delete AFTER DELETE ON duty_reviews
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'duty_review', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER member_appraisals_sync_insert AFTER INSERT ON member_appraisals
BEGIN
    UPDATE member_appraisals SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 'member_appraisal', (SELECT uuid FROM member_appraisals WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER member_appraisals_sync_update AFTER UPDATE ON member_appraisals WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 'member_appraisal', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 'member_appraisal', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER member_appraisals_sync_delete AFTER DELETE ON member_appraisals
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 'member_appraisal', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER rating_schemes_sync_insert AFTER INSERT ON rating_schemes
BEGIN
    UPDATE rating_schemes SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce(NULL, ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce(NULL, ''), 'rating_scheme', (SELECT uuid FROM rating_schemes WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce(NULL, '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER rating_schemes_sync_update AFTER UPDATE ON rating_schemes WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce(NULL, ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce(NULL, ''), 'rating_scheme', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce(NULL, '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce(NULL, ''), 1
        WHERE coalesce(NULL, '') <> coalesce(NULL, '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce(NULL, ''), 'rating_scheme', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce(NULL, '')), 1
        WHERE coalesce(NULL, '') <> coalesce(NULL, '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER rating_schemes_sync_delete AFTER DELETE ON rating_schemes
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce(NULL, ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce(NULL, ''), 'rating_scheme', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce(NULL, '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER rating_subjects_sync_insert AFTER INSERT ON rating_subjects
BEGIN
    UPDATE rating_subjects SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'rating_subject', (SELECT uuid FROM rating_subjects WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER rating_subjects_sync_update AFTER UPDATE ON rating_subjects WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'rating_subject', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'rating_subject', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER rating_subjects_sync_delete AFTER DELETE ON rating_subjects
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'rating_subject', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER star_ratings_sync_insert AFTER INSERT ON star_ratings
BEGIN
    UPDATE star_ratings SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), ''), 'star_rating', (SELECT uuid FROM star_ratings WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER star_ratings_sync_update AFTER UPDATE ON star_ratings WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), ''), 'star_rating', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), ''), 'star_rating', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = NEW.subject_id)), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER star_ratings_sync_delete AFTER DELETE ON star_ratings
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), ''), 'star_rating', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT s.branch_id FROM rating_subjects s WHERE s.id = OLD.subject_id)), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER volunteer_activities_sync_insert AFTER INSERT ON volunteer_activities
BEGIN
    UPDATE volunteer_activities SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), ''), 'volunteer_activity', (SELECT uuid FROM volunteer_activities WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER volunteer_activities_sync_update AFTER UPDATE ON volunteer_activities WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), ''), 'volunteer_activity', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), ''), 'volunteer_activity', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.organiser_org_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER volunteer_activities_sync_delete AFTER DELETE ON volunteer_activities
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), ''), 'volunteer_activity', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.organiser_org_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER service_teams_sync_insert AFTER INSERT ON service_teams
BEGIN
    UPDATE service_teams SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'service_team', (SELECT uuid FROM service_teams WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER service_teams_sync_update AFTER UPDATE ON service_teams WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'service_team', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'service_team', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER service_teams_sync_delete AFTER DELETE ON service_teams
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'service_team', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER volunteers_sync_insert AFTER INSERT ON volunteers
BEGIN
    UPDATE volunteers SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'volunteer', (SELECT uuid FROM volunteers WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER volunteers_sync_update AFTER UPDATE ON volunteers WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), ''), 'volunteer', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'volunteer', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = NEW.branch_id), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER volunteers_sync_delete AFTER DELETE ON volunteers
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), ''), 'volunteer', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = OLD.branch_id), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER dues_bases_sync_insert AFTER INSERT ON dues_bases
BEGIN
    UPDATE dues_bases SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 'dues_base', (SELECT uuid FROM dues_bases WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER dues_bases_sync_update AFTER UPDATE ON dues_bases WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 'dues_base', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 'dues_base', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER dues_bases_sync_delete AFTER DELETE ON dues_bases
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 'dues_base', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

CREATE TRIGGER dues_payments_sync_insert AFTER INSERT ON dues_payments
BEGIN
    UPDATE dues_payments SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) WHERE id = NEW.id AND uuid IS NULL;
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 'dues_payment', (SELECT uuid FROM dues_payments WHERE id = NEW.id), (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;
CREATE TRIGGER dues_payments_sync_update AFTER UPDATE ON dues_payments WHEN OLD.uuid IS NOT NULL
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), ''), 'dues_payment', NEW.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')), 0)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
    INSERT INTO sync_counters(branch_key, counter) SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        SELECT coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 'dues_payment', OLD.uuid,
            (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '')), 1
        WHERE coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '') <> coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = NEW.member_id)), '')
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = 1;
END;
CREATE TRIGGER dues_payments_sync_delete AFTER DELETE ON dues_payments
BEGIN
    INSERT INTO sync_counters(branch_key, counter) VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 1)
        ON CONFLICT(branch_key) DO UPDATE SET counter = counter + 1;
    INSERT INTO sync_changes(branch_key, record_kind, record_uuid, counter, deleted)
        VALUES (coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), ''), 'dues_payment', OLD.uuid, (SELECT counter FROM sync_counters WHERE branch_key = coalesce((SELECT CASE o.kind WHEN 'branch' THEN o.uuid WHEN 'group' THEN (SELECT p.uuid FROM organizations p WHERE p.id = o.parent_id) END FROM organizations o WHERE o.id = (SELECT m.branch_id FROM members m WHERE m.id = OLD.member_id)), '')), 1)
        ON CONFLICT(branch_key, record_kind, record_uuid) DO UPDATE SET counter = excluded.counter, deleted = excluded.deleted;
END;

