-- 0003: what a branch's real year needs beyond the first schema: dissolved organisations kept
-- with their records, terms that end, elections (换届) that open a new term, corrections of any
-- final record with the replaced version kept, deleted records kept for undo, and an audit log
-- that says what changed (before → after).

-- An organisation is never deleted once it has records: it is dissolved (撤销) on a date and
-- stays in the tree, greyed out, with its records still reported.
ALTER TABLE organizations ADD COLUMN dissolved_on TEXT;

-- A term ends when the next one is elected (or on a date entered for a branch's past terms).
ALTER TABLE committee_terms ADD COLUMN closed_on TEXT;

-- 换届选举: from the higher committee's approval to start (批复) to the approval of the result.
CREATE TABLE elections (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organizations(id),
    term_number         INTEGER NOT NULL CHECK (term_number > 0),   -- the term it elects
    requested_on        TEXT,                                        -- 请示
    approved_on         TEXT,                                        -- 批复 to start
    approval_ref        TEXT NOT NULL DEFAULT '',                    -- its 文号
    held_on             TEXT NOT NULL,                               -- the 党员大会
    place               TEXT NOT NULL DEFAULT '',
    seats               INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 7),
    result_approved_on  TEXT,                                        -- 批复 of the result
    result_approval_ref TEXT NOT NULL DEFAULT '',
    meeting_id          INTEGER REFERENCES meetings(id),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    revision            INTEGER NOT NULL DEFAULT 0,
    term_id             INTEGER REFERENCES committee_terms(id),      -- the term it opened, once final
    UNIQUE (org_id, term_number)
) STRICT;

-- Everyone with the right to vote who should attend (应到), and whether they did (实到).
CREATE TABLE election_voters (
    election_id INTEGER NOT NULL REFERENCES elections(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    present     INTEGER NOT NULL CHECK (present IN (0, 1)),
    PRIMARY KEY (election_id, member_id)
) STRICT;

-- Candidates with their ballots (选票统计) and, once elected, the post the new committee gave them.
CREATE TABLE election_candidates (
    election_id INTEGER NOT NULL REFERENCES elections(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    yes         INTEGER NOT NULL CHECK (yes >= 0),
    no          INTEGER NOT NULL CHECK (no >= 0),
    abstain     INTEGER NOT NULL CHECK (abstain >= 0),
    role        TEXT CHECK (role IN ('secretary', 'deputy_secretary', 'organization_officer',
                                     'publicity_officer', 'discipline_officer', 'member')),
    PRIMARY KEY (election_id, member_id)
) STRICT;

CREATE TRIGGER elections_final_locked BEFORE UPDATE ON elections
    WHEN OLD.status = 'final' AND NEW.revision = OLD.revision
BEGIN
    SELECT RAISE(ABORT, '选举记录已定稿，只能以更正方式修改');
END;
CREATE TRIGGER elections_final_kept BEFORE DELETE ON elections
    WHEN OLD.status = 'final'
BEGIN
    SELECT RAISE(ABORT, '已定稿的选举记录不能删除');
END;

-- Amendments of final records other than meetings (elections): like meeting_amendments.
CREATE TABLE record_amendments (
    id          INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    amended_at  TEXT NOT NULL,
    operator    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    previous    TEXT NOT NULL,
    current     TEXT NOT NULL,
    UNIQUE (record_kind, record_id, revision)
) STRICT;
CREATE TRIGGER record_amendments_append_only_u BEFORE UPDATE ON record_amendments
BEGIN
    SELECT RAISE(ABORT, '更正记录不能修改');
END;
CREATE TRIGGER record_amendments_append_only_d BEFORE DELETE ON record_amendments
BEGIN
    SELECT RAISE(ABORT, '更正记录不能删除');
END;

-- Deleted records, whole (JSON), so a delete can be undone (撤销删除).
CREATE TABLE trash (
    id          INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    deleted_at  TEXT NOT NULL,
    operator    TEXT NOT NULL,
    summary     TEXT NOT NULL,
    data        TEXT NOT NULL,
    restored_at TEXT
) STRICT;

-- The audit log gains what changed (before → after, personal data masked) and the undo action.
-- Rebuilt because SQLite cannot widen a CHECK; every row is copied as it was (the implicit
-- DELETE of DROP TABLE fires no trigger).
CREATE TABLE audit_log_v3 (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'finalize', 'amend', 'export',
                                                'restore')),
    record_kind TEXT NOT NULL,
    record_id   INTEGER,
    summary     TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO audit_log_v3(id, at, operator, action, record_kind, record_id, summary)
    SELECT id, at, operator, action, record_kind, record_id, summary FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v3 RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_record ON audit_log(record_kind, record_id);
CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志不能修改');
END;
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志不能删除');
END;

-- One star rating per subject, scheme and year. Saving twice used to add a second row; the
-- older duplicates go to the trash (restorable), the newest stays.
INSERT INTO trash(record_kind, record_id, deleted_at, operator, summary, data)
    SELECT 'star_rating', r.id, datetime('now', 'localtime'), '数据库升级',
           r.year || '年度' || r.subject_name || '（重复评定）',
           json_object('scheme', r.scheme_id, 'year', r.year, 'subject_name', r.subject_name,
                       'subject_org', r.subject_org_id, 'subject_member', r.subject_member_id,
                       'scores', (SELECT json_group_array(json_object('key', s.indicator_key, 'score', s.score))
                                  FROM star_rating_scores s WHERE s.rating_id = r.id))
    FROM star_ratings r
    WHERE r.id NOT IN (SELECT max(id) FROM star_ratings
                       GROUP BY scheme_id, year, subject_name, subject_org_id, subject_member_id);
DELETE FROM star_rating_scores WHERE rating_id NOT IN (SELECT max(id) FROM star_ratings
                       GROUP BY scheme_id, year, subject_name, subject_org_id, subject_member_id);
DELETE FROM star_ratings WHERE id NOT IN (SELECT max(id) FROM star_ratings
                                          GROUP BY scheme_id, year, subject_name, subject_org_id, subject_member_id);
CREATE UNIQUE INDEX star_ratings_subject
    ON star_ratings(scheme_id, year, subject_name, ifnull(subject_org_id, 0), ifnull(subject_member_id, 0));
