-- 0001: the first schema. Released migrations are never edited: add a new numbered file instead.
-- Dates are ISO-8601 text (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS), so text order is time order.
-- Enumerations are the snake_case code names of GLOSSARY.md.

CREATE TABLE organizations (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES organizations(id),
    kind      TEXT NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch', 'group')),
    category  TEXT NOT NULL CHECK (category IN ('community', 'village', 'enterprise', 'institution', 'other')),
    name      TEXT NOT NULL CHECK (length(trim(name)) > 0)
) STRICT;
CREATE INDEX organizations_parent ON organizations(parent_id);

CREATE TABLE members (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    gender             TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date         TEXT NOT NULL,
    ethnicity          TEXT NOT NULL,
    id_number          TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
    phone              TEXT,
    status             TEXT NOT NULL CHECK (status IN ('full', 'probationary')),
    joined_on          TEXT NOT NULL,
    confirmed_on       TEXT,
    branch_id          INTEGER NOT NULL REFERENCES organizations(id),
    group_id           INTEGER REFERENCES organizations(id),
    in_service         INTEGER NOT NULL CHECK (in_service IN (0, 1)),
    dual_community     TEXT,
    dual_posts         TEXT,            -- JSON array of claimed posts
    dual_registered_on TEXT
) STRICT;
CREATE INDEX members_branch ON members(branch_id);

CREATE TABLE committee_terms (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organizations(id),
    number     INTEGER NOT NULL CHECK (number > 0),
    elected_on TEXT,
    ends_on    TEXT,
    UNIQUE (org_id, number)
) STRICT;

CREATE TABLE term_roles (
    term_id   INTEGER NOT NULL REFERENCES committee_terms(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members(id),
    role      TEXT NOT NULL CHECK (role IN ('secretary', 'deputy_secretary', 'organization_officer',
                                            'publicity_officer', 'discipline_officer', 'member')),
    PRIMARY KEY (term_id, member_id)
) STRICT;

CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    branch_id    INTEGER NOT NULL REFERENCES organizations(id),
    group_id     INTEGER REFERENCES organizations(id),
    title        TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL CHECK (ends_at > starts_at),
    place        TEXT NOT NULL,
    host         TEXT NOT NULL,
    recorder     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    revision     INTEGER NOT NULL DEFAULT 0   -- bumped by each amendment of a final record
) STRICT;
CREATE INDEX meetings_starts ON meetings(starts_at);
CREATE INDEX meetings_branch_starts ON meetings(branch_id, starts_at);

-- A final record is archived: only an amendment (which bumps the revision) may change it,
-- and it is never deleted.
CREATE TRIGGER meetings_final_locked BEFORE UPDATE ON meetings
    WHEN OLD.status = 'final' AND NEW.revision = OLD.revision
BEGIN
    SELECT RAISE(ABORT, '会议记录已定稿，只能以更正方式修改');
END;
CREATE TRIGGER meetings_final_kept BEFORE DELETE ON meetings
    WHEN OLD.status = 'final'
BEGIN
    SELECT RAISE(ABORT, '已定稿的会议记录不能删除');
END;

CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    presence   TEXT NOT NULL CHECK (presence IN ('present', 'on_leave', 'absent')),
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, member_id)
) STRICT;
CREATE INDEX meeting_attendance_member ON meeting_attendance(member_id);

CREATE TABLE meeting_observers (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    affiliation TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
) STRICT;

CREATE TABLE agenda_items (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
) STRICT;

CREATE TABLE speeches (
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    agenda_index INTEGER,
    speaker      TEXT NOT NULL,
    content      TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
) STRICT;

CREATE TABLE resolutions (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    yes        INTEGER NOT NULL CHECK (yes >= 0),
    no         INTEGER NOT NULL CHECK (no >= 0),
    abstain    INTEGER NOT NULL CHECK (abstain >= 0),
    PRIMARY KEY (meeting_id, position)
) STRICT;

CREATE TABLE meeting_attachments (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    file_name  TEXT NOT NULL,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    size       INTEGER NOT NULL CHECK (size >= 0),
    kind       TEXT NOT NULL CHECK (kind IN ('sign_in_sheet', 'photo', 'other')),
    PRIMARY KEY (meeting_id, position)
) STRICT;

-- Each amendment of a final meeting keeps the version it replaced; rows are never changed or removed.
CREATE TABLE meeting_amendments (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    revision   INTEGER NOT NULL,
    amended_at TEXT NOT NULL,
    operator   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    previous   TEXT NOT NULL,   -- JSON of the meeting before the amendment
    current    TEXT NOT NULL,   -- JSON of the meeting after it
    UNIQUE (meeting_id, revision)
) STRICT;
CREATE TRIGGER meeting_amendments_append_only_u BEFORE UPDATE ON meeting_amendments
BEGIN
    SELECT RAISE(ABORT, '更正记录不能修改');
END;
CREATE TRIGGER meeting_amendments_append_only_d BEFORE DELETE ON meeting_amendments
BEGIN
    SELECT RAISE(ABORT, '更正记录不能删除');
END;

CREATE TABLE duty_reviews (
    id                INTEGER PRIMARY KEY,
    year              INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    branch_id         INTEGER NOT NULL REFERENCES organizations(id),
    subject_id        INTEGER NOT NULL REFERENCES members(id),
    held_on           TEXT,
    ballots_excellent INTEGER NOT NULL CHECK (ballots_excellent >= 0),
    ballots_good      INTEGER NOT NULL CHECK (ballots_good >= 0),
    ballots_fair      INTEGER NOT NULL CHECK (ballots_fair >= 0),
    ballots_poor      INTEGER NOT NULL CHECK (ballots_poor >= 0),
    voters_expected   INTEGER NOT NULL,
    voters_returned   INTEGER NOT NULL CHECK (voters_returned <= voters_expected),
    higher_comment    TEXT NOT NULL,
    overall_grade     TEXT CHECK (overall_grade IN ('excellent', 'good', 'fair', 'poor')),
    CHECK (ballots_excellent + ballots_good + ballots_fair + ballots_poor <= voters_returned),
    UNIQUE (year, subject_id)
) STRICT;

CREATE TABLE duty_review_sections (
    review_id INTEGER NOT NULL REFERENCES duty_reviews(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    heading   TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (review_id, position)
) STRICT;

CREATE TABLE member_appraisals (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    member_id       INTEGER NOT NULL REFERENCES members(id),
    self_assessment TEXT NOT NULL,
    grade           TEXT NOT NULL CHECK (grade IN ('outstanding', 'qualified', 'basically_qualified', 'unqualified')),
    UNIQUE (year, member_id)
) STRICT;

CREATE TABLE rating_schemes (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    source       TEXT NOT NULL,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('branch', 'member', 'volunteer', 'residential_compound')),
    definition   TEXT NOT NULL     -- JSON: indicators, bonus items, bands, quotas
) STRICT;

CREATE TABLE star_ratings (
    id                INTEGER PRIMARY KEY,
    scheme_id         INTEGER NOT NULL REFERENCES rating_schemes(id),
    year              INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    subject_name      TEXT NOT NULL,
    subject_org_id    INTEGER REFERENCES organizations(id),
    subject_member_id INTEGER REFERENCES members(id),
    total             REAL NOT NULL,
    stars             INTEGER NOT NULL CHECK (stars BETWEEN 0 AND 5)
) STRICT;
CREATE INDEX star_ratings_year ON star_ratings(year, scheme_id);

CREATE TABLE star_rating_scores (
    rating_id     INTEGER NOT NULL REFERENCES star_ratings(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    indicator_key TEXT NOT NULL,
    score         REAL NOT NULL CHECK (score >= 0),
    PRIMARY KEY (rating_id, indicator_key)
) STRICT;

CREATE TABLE volunteer_activities (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('anti_drug', 'clean_up', 'patrol', 'elderly_care', 'publicity', 'other')),
    date             TEXT NOT NULL,
    starts           TEXT NOT NULL,
    ends             TEXT NOT NULL CHECK (ends > starts),
    place            TEXT NOT NULL,
    organiser        TEXT NOT NULL,
    organiser_org_id INTEGER REFERENCES organizations(id),
    description      TEXT NOT NULL
) STRICT;
CREATE INDEX volunteer_activities_date ON volunteer_activities(date);

CREATE TABLE volunteer_participants (
    activity_id INTEGER NOT NULL REFERENCES volunteer_activities(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    hours       REAL NOT NULL CHECK (hours > 0),
    PRIMARY KEY (activity_id, member_id)
) STRICT;
CREATE INDEX volunteer_participants_member ON volunteer_participants(member_id);

-- Who changed what and when; append-only.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'finalize', 'amend', 'export')),
    record_kind TEXT NOT NULL,
    record_id   INTEGER,
    summary     TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志不能修改');
END;
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志不能删除');
END;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
