-- 0008: star ratings as the source reports run them. What is rated is a registered subject of a
-- branch (a branch, a 小区, a 业委会, a property company, a grid worker, a volunteer, a member),
-- and an indicator sheet has versions: adjusting a sheet that has results makes a new version,
-- so last year's results keep last year's sheet.

CREATE TABLE rating_subjects (
    id           INTEGER PRIMARY KEY,
    branch_id    INTEGER NOT NULL REFERENCES organizations(id),     -- the branch that rates it
    kind         TEXT NOT NULL CHECK (kind IN ('branch', 'member', 'volunteer', 'residential_compound',
                                               'owners_committee', 'property_company', 'grid_worker')),
    name         TEXT NOT NULL,
    org_id       INTEGER REFERENCES organizations(id),              -- whose records measure it
    member_id    INTEGER REFERENCES members(id),
    volunteer_id INTEGER REFERENCES volunteers(id),
    note         TEXT NOT NULL DEFAULT '',
    UNIQUE (branch_id, kind, name)
) STRICT;

-- Rebuilt because SQLite cannot widen a CHECK (foreign keys are off while migrating, so the
-- drop neither cascades nor refuses; star_ratings then refers to the rebuilt table by its name,
-- which holds the same ids, and the check before the commit proves it).
CREATE TABLE rating_schemes_v8 (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version > 0),
    name         TEXT NOT NULL,
    source       TEXT NOT NULL,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('branch', 'member', 'volunteer', 'residential_compound',
                                                       'owners_committee', 'property_company', 'grid_worker')),
    definition   TEXT NOT NULL,    -- JSON: indicators (with their measures), bonus items, bands, quotas
    UNIQUE (key, version)
) STRICT;
INSERT INTO rating_schemes_v8(id, key, version, name, source, subject_kind, definition)
    SELECT id, key, 1, name, source, subject_kind, definition FROM rating_schemes;
DROP TABLE rating_schemes;
ALTER TABLE rating_schemes_v8 RENAME TO rating_schemes;

-- Every subject rated so far becomes a registered subject of the branch it belongs to (a branch
-- rates itself; a member belongs to their branch; a subject with neither goes to the first
-- organisation, where the user can correct it).
ALTER TABLE star_ratings ADD COLUMN subject_id INTEGER REFERENCES rating_subjects(id);
CREATE TEMP TABLE rated_v8 AS
    SELECT DISTINCT r.subject_name AS name, s.subject_kind AS kind, r.subject_org_id AS org_id,
           r.subject_member_id AS member_id,
           coalesce(r.subject_org_id, (SELECT m.branch_id FROM members m WHERE m.id = r.subject_member_id),
                    (SELECT min(id) FROM organizations)) AS branch_id
    FROM star_ratings r JOIN rating_schemes s ON s.id = r.scheme_id;
INSERT OR IGNORE INTO rating_subjects(branch_id, kind, name, org_id, member_id)
    SELECT branch_id, kind, name, org_id, member_id FROM rated_v8 WHERE branch_id IS NOT NULL;
UPDATE star_ratings SET subject_id = (
    SELECT t.id FROM rating_subjects t JOIN rating_schemes s ON s.id = star_ratings.scheme_id
    WHERE t.kind = s.subject_kind AND t.name = star_ratings.subject_name
      AND t.branch_id = coalesce(star_ratings.subject_org_id,
                                 (SELECT m.branch_id FROM members m WHERE m.id = star_ratings.subject_member_id),
                                 (SELECT min(id) FROM organizations)));
DROP TABLE rated_v8;
-- One rating per subject, sheet version and year (the store also refuses a second one under
-- another version of the same sheet); subjects of the same name in two branches no longer clash.
DROP INDEX star_ratings_subject;
CREATE UNIQUE INDEX star_ratings_subject ON star_ratings(scheme_id, year, subject_id);
CREATE INDEX star_ratings_by_subject ON star_ratings(subject_id, year);

-- Deleted star ratings kept for undo name their subject the same way from now on. (Those 0003
-- put in the trash hold their scores as text, not as a list: they are mended too.)
UPDATE trash SET data = json_remove(json_set(data, '$.subject', (
        SELECT t.id FROM rating_subjects t
        WHERE t.name = json_extract(trash.data, '$.subject_name')
          AND (t.org_id IS json_extract(trash.data, '$.subject_org'))
          AND (t.member_id IS json_extract(trash.data, '$.subject_member'))),
        '$.scores', CASE json_type(data, '$.scores') WHEN 'text' THEN json(json_extract(data, '$.scores'))
                                                     ELSE json_extract(data, '$.scores') END),
    '$.subject_name', '$.subject_org', '$.subject_member')
WHERE record_kind = 'star_rating' AND json_extract(data, '$.subject_name') IS NOT NULL;
