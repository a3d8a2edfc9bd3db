-- 0007: a branch's register of volunteers who are not its members (residents, members of other
-- units registered here through 双报到), its service teams, and each registered volunteer's own
-- hours in an activity (members keep theirs in volunteer_participants).
CREATE TABLE service_teams (
    id        INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES organizations(id),
    name      TEXT NOT NULL,
    leader    TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    UNIQUE (branch_id, name)
) STRICT;

CREATE TABLE volunteers (
    id            INTEGER PRIMARY KEY,
    branch_id     INTEGER NOT NULL REFERENCES organizations(id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('resident', 'dual_registered', 'other')),
    id_number     TEXT UNIQUE,
    phone         TEXT,
    unit          TEXT NOT NULL DEFAULT '',
    team_id       INTEGER REFERENCES service_teams(id),
    registered_on TEXT,
    note          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX volunteers_branch ON volunteers(branch_id);

CREATE TABLE activity_volunteers (
    activity_id  INTEGER NOT NULL REFERENCES volunteer_activities(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
    hours        REAL NOT NULL CHECK (hours > 0),
    PRIMARY KEY (activity_id, volunteer_id)
) STRICT;
CREATE INDEX activity_volunteers_volunteer ON activity_volunteers(volunteer_id);
