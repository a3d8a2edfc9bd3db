-- 0003: the committee's year-end 述职评议考核 meeting, held across many branch secretaries at once
-- (a 党工委's meeting of all its secretaries): one meeting a year, and per secretary the ballots
-- entered, the grade the ballots point to under the committee's rule, and the grade decided (a
-- reason is required where they differ). Committee-owned, like reviews: the decided grade
-- reaches each branch as a review row (topic 述职评议考核), never as a change to its records.

CREATE TABLE zhibu.duty_meetings (
    year            INTEGER PRIMARY KEY,
    held_on         DATE NOT NULL,
    title           TEXT NOT NULL,
    voters_expected INTEGER NOT NULL CHECK (voters_expected > 0),
    created_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE zhibu.duty_ballots (
    year         INTEGER NOT NULL REFERENCES zhibu.duty_meetings(year),
    branch_uuid  TEXT NOT NULL REFERENCES zhibu.branches(uuid),
    secretary    TEXT NOT NULL,
    excellent    INTEGER NOT NULL CHECK (excellent >= 0),   -- 好
    good         INTEGER NOT NULL CHECK (good >= 0),        -- 较好
    fair         INTEGER NOT NULL CHECK (fair >= 0),        -- 一般
    poor         INTEGER NOT NULL CHECK (poor >= 0),        -- 差
    ballot_grade TEXT NOT NULL,                             -- what the ballots point to
    grade        TEXT NOT NULL,                             -- decided
    reason       TEXT NOT NULL DEFAULT '',                  -- required where grade differs
    entered_by   TEXT NOT NULL DEFAULT CURRENT_USER,
    entered_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (year, branch_uuid),
    CHECK (grade = ballot_grade OR reason <> '')
);

ALTER TABLE zhibu.duty_meetings ENABLE ROW LEVEL SECURITY;
ALTER TABLE zhibu.duty_ballots ENABLE ROW LEVEL SECURITY;
CREATE POLICY committee_reads_duty_meetings ON zhibu.duty_meetings FOR SELECT TO zhibu_committee USING (TRUE);
CREATE POLICY committee_reads_duty_ballots ON zhibu.duty_ballots FOR SELECT TO zhibu_committee USING (TRUE);
GRANT SELECT ON zhibu.duty_meetings, zhibu.duty_ballots TO zhibu_committee;
