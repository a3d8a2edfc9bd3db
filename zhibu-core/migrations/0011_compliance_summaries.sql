-- 0011: what the compliance rules read, kept small. Attendance is summarised as records are
-- written; dues payments get an index by member and last month settled.
-- A year's compliance read ~108,000 attendance rows to learn two things: each meeting's
-- counts (listed, present, and those of them with voting rights on its day) and each member's
-- days present at a final meeting. Both are kept here by triggers on every table they depend
-- on, so any write (the store, an import, a restore of an older file then migrated) keeps them
-- exact; the compliance read takes a row per meeting and a row per member and year instead.
-- The equivalence with counting the attendance rows is tested over the demo data sets.

-- Each meeting's counts. Voting rights as the rules reckon them: a full member whose
-- confirmation date (if any) is on or before the meeting's day.
CREATE TABLE meeting_tallies (
    meeting_id     INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    listed         INTEGER NOT NULL DEFAULT 0,
    present        INTEGER NOT NULL DEFAULT 0,
    voting_listed  INTEGER NOT NULL DEFAULT 0,
    voting_present INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The counts recomputed from the attendance rows (what a trigger writes back after a change
-- that an increment cannot follow, and what the tests compare the table with).
CREATE VIEW meeting_tally_now AS
SELECT m.id AS meeting_id,
       count(a.member_id) AS listed,
       count(CASE WHEN a.presence = 'present' THEN 1 END) AS present,
       count(CASE WHEN p.status = 'full' AND (p.confirmed_on IS NULL OR p.confirmed_on <= substr(m.starts_at, 1, 10))
                  THEN 1 END) AS voting_listed,
       count(CASE WHEN a.presence = 'present' AND p.status = 'full'
                       AND (p.confirmed_on IS NULL OR p.confirmed_on <= substr(m.starts_at, 1, 10))
                  THEN 1 END) AS voting_present
FROM meetings m
LEFT JOIN meeting_attendance a ON a.meeting_id = m.id
LEFT JOIN members p ON p.id = a.member_id
GROUP BY m.id;

-- The days each member was present at a final meeting: one row per member and year, a column
-- per month, bit d-1 of `mN` set when they were present on day d of month N.
CREATE TABLE presence_days (
    year      INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    m1        INTEGER NOT NULL DEFAULT 0,
    m2        INTEGER NOT NULL DEFAULT 0,
    m3        INTEGER NOT NULL DEFAULT 0,
    m4        INTEGER NOT NULL DEFAULT 0,
    m5        INTEGER NOT NULL DEFAULT 0,
    m6        INTEGER NOT NULL DEFAULT 0,
    m7        INTEGER NOT NULL DEFAULT 0,
    m8        INTEGER NOT NULL DEFAULT 0,
    m9        INTEGER NOT NULL DEFAULT 0,
    m10       INTEGER NOT NULL DEFAULT 0,
    m11       INTEGER NOT NULL DEFAULT 0,
    m12       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (year, member_id)
) WITHOUT ROWID, STRICT;

-- A (member, day) pair to look up again: a row written here sets the member's day from the
-- attendance rows (present at any final meeting that day), then is removed. Every change that
-- can clear a day goes through it, so the lookup is written once.
CREATE TABLE presence_recheck (
    member_id INTEGER NOT NULL,
    day       TEXT NOT NULL
) STRICT;

CREATE TRIGGER presence_recheck_apply AFTER INSERT ON presence_recheck
BEGIN
    UPDATE presence_days SET
        m1 = CASE WHEN substr(NEW.day, 6, 2) = '01' THEN m1 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m1 END,
        m2 = CASE WHEN substr(NEW.day, 6, 2) = '02' THEN m2 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m2 END,
        m3 = CASE WHEN substr(NEW.day, 6, 2) = '03' THEN m3 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m3 END,
        m4 = CASE WHEN substr(NEW.day, 6, 2) = '04' THEN m4 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m4 END,
        m5 = CASE WHEN substr(NEW.day, 6, 2) = '05' THEN m5 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m5 END,
        m6 = CASE WHEN substr(NEW.day, 6, 2) = '06' THEN m6 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m6 END,
        m7 = CASE WHEN substr(NEW.day, 6, 2) = '07' THEN m7 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m7 END,
        m8 = CASE WHEN substr(NEW.day, 6, 2) = '08' THEN m8 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m8 END,
        m9 = CASE WHEN substr(NEW.day, 6, 2) = '09' THEN m9 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m9 END,
        m10 = CASE WHEN substr(NEW.day, 6, 2) = '10' THEN m10 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m10 END,
        m11 = CASE WHEN substr(NEW.day, 6, 2) = '11' THEN m11 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m11 END,
        m12 = CASE WHEN substr(NEW.day, 6, 2) = '12' THEN m12 & ~(1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1)) ELSE m12 END
        WHERE year = CAST(substr(NEW.day, 1, 4) AS INTEGER) AND member_id = NEW.member_id;
    INSERT INTO presence_days(year, member_id, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12)
        SELECT CAST(substr(NEW.day, 1, 4) AS INTEGER), NEW.member_id,
        CASE WHEN substr(NEW.day, 6, 2) = '01' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '02' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '03' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '04' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '05' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '06' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '07' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '08' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '09' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '10' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '11' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(NEW.day, 6, 2) = '12' THEN 1 << (CAST(substr(NEW.day, 9, 2) AS INTEGER) - 1) ELSE 0 END
        WHERE EXISTS (SELECT 1 FROM meeting_attendance a JOIN meetings m ON m.id = a.meeting_id
                      WHERE a.member_id = NEW.member_id AND a.presence = 'present' AND m.status = 'final'
                        AND substr(m.starts_at, 1, 10) = NEW.day)
        ON CONFLICT DO UPDATE SET
        m1 = m1 | excluded.m1,
        m2 = m2 | excluded.m2,
        m3 = m3 | excluded.m3,
        m4 = m4 | excluded.m4,
        m5 = m5 | excluded.m5,
        m6 = m6 | excluded.m6,
        m7 = m7 | excluded.m7,
        m8 = m8 | excluded.m8,
        m9 = m9 | excluded.m9,
        m10 = m10 | excluded.m10,
        m11 = m11 | excluded.m11,
        m12 = m12 | excluded.m12;
    DELETE FROM presence_recheck;
END;

-- The dues rule looks at the payments reaching into the year and, before it, at each member's
-- payment that ends last: read through this index, not every payment of every year.
CREATE INDEX dues_payments_member_end ON dues_payments(member_id, to_month);

-- Populated from the records already there: the attendance rows are put back after the
-- triggers exist, so the triggers' own arithmetic fills both tables.
CREATE TEMP TABLE attendance_copy AS SELECT meeting_id, position, member_id, presence, reason FROM meeting_attendance;
DELETE FROM meeting_attendance;
INSERT INTO meeting_tallies(meeting_id) SELECT id FROM meetings;

CREATE TRIGGER meeting_tallies_new_meeting AFTER INSERT ON meetings
BEGIN
    INSERT INTO meeting_tallies(meeting_id) VALUES (NEW.id);
END;

-- A row added: counted in, and the member's day set when the meeting is final (the common
-- case and a bulk insert's: plain lookups by key, no recount).
CREATE TRIGGER attendance_summaries_insert AFTER INSERT ON meeting_attendance
BEGIN
    UPDATE meeting_tallies SET
        listed = listed + 1,
        present = present + (NEW.presence = 'present'),
        voting_listed = voting_listed + coalesce((
            SELECT p.status = 'full' AND (p.confirmed_on IS NULL OR p.confirmed_on <= substr(m.starts_at, 1, 10))
            FROM members p, meetings m WHERE p.id = NEW.member_id AND m.id = NEW.meeting_id), 0),
        voting_present = voting_present + (NEW.presence = 'present' AND coalesce((
            SELECT p.status = 'full' AND (p.confirmed_on IS NULL OR p.confirmed_on <= substr(m.starts_at, 1, 10))
            FROM members p, meetings m WHERE p.id = NEW.member_id AND m.id = NEW.meeting_id), 0))
        WHERE meeting_id = NEW.meeting_id;
    INSERT INTO presence_days(year, member_id, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12)
        SELECT CAST(substr(m.starts_at, 1, 4) AS INTEGER), NEW.member_id,
        CASE WHEN substr(m.starts_at, 6, 2) = '01' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '02' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '03' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '04' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '05' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '06' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '07' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '08' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '09' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '10' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '11' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END,
        CASE WHEN substr(m.starts_at, 6, 2) = '12' THEN 1 << (CAST(substr(m.starts_at, 9, 2) AS INTEGER) - 1) ELSE 0 END
        FROM meetings m WHERE m.id = NEW.meeting_id AND m.status = 'final' AND NEW.presence = 'present'
        ON CONFLICT DO UPDATE SET
        m1 = m1 | excluded.m1,
        m2 = m2 | excluded.m2,
        m3 = m3 | excluded.m3,
        m4 = m4 | excluded.m4,
        m5 = m5 | excluded.m5,
        m6 = m6 | excluded.m6,
        m7 = m7 | excluded.m7,
        m8 = m8 | excluded.m8,
        m9 = m9 | excluded.m9,
        m10 = m10 | excluded.m10,
        m11 = m11 | excluded.m11,
        m12 = m12 | excluded.m12;
END;

-- A row removed (a draft edited, an amendment's new roll, a draft deleted): the meeting is
-- recounted and the member's day looked up again (another final meeting that day keeps it).
CREATE TRIGGER attendance_summaries_delete AFTER DELETE ON meeting_attendance
BEGIN
    INSERT OR REPLACE INTO meeting_tallies SELECT * FROM meeting_tally_now WHERE meeting_id = OLD.meeting_id;
    INSERT INTO presence_recheck(member_id, day)
        SELECT OLD.member_id, substr(starts_at, 1, 10) FROM meetings WHERE id = OLD.meeting_id;
END;

-- A row changed in place (the store replaces rows, but any writer may update): both sides again.
CREATE TRIGGER attendance_summaries_update AFTER UPDATE ON meeting_attendance
BEGIN
    INSERT OR REPLACE INTO meeting_tallies SELECT * FROM meeting_tally_now
        WHERE meeting_id IN (OLD.meeting_id, NEW.meeting_id);
    INSERT INTO presence_recheck(member_id, day)
        SELECT OLD.member_id, substr(starts_at, 1, 10) FROM meetings WHERE id = OLD.meeting_id
        UNION SELECT NEW.member_id, substr(starts_at, 1, 10) FROM meetings WHERE id = NEW.meeting_id;
END;

-- A meeting finalized, or its day changed by an amendment: voting rights are reckoned on the
-- new day, and its members' old and new days looked up again.
CREATE TRIGGER attendance_summaries_meeting AFTER UPDATE OF status, starts_at ON meetings
    WHEN OLD.status IS NOT NEW.status OR substr(OLD.starts_at, 1, 10) IS NOT substr(NEW.starts_at, 1, 10)
BEGIN
    INSERT OR REPLACE INTO meeting_tallies SELECT * FROM meeting_tally_now WHERE meeting_id = NEW.id;
    INSERT INTO presence_recheck(member_id, day)
        SELECT a.member_id, d.day FROM meeting_attendance a,
            (SELECT substr(OLD.starts_at, 1, 10) AS day UNION SELECT substr(NEW.starts_at, 1, 10)) AS d
        WHERE a.meeting_id = NEW.id AND a.presence = 'present';
END;

-- A member confirmed (or the confirmation corrected): voting rights change in the meetings they are listed in.
CREATE TRIGGER attendance_summaries_member AFTER UPDATE OF status, confirmed_on ON members
    WHEN OLD.status IS NOT NEW.status OR OLD.confirmed_on IS NOT NEW.confirmed_on
BEGIN
    INSERT OR REPLACE INTO meeting_tallies SELECT * FROM meeting_tally_now
        WHERE meeting_id IN (SELECT meeting_id FROM meeting_attendance WHERE member_id = NEW.id);
END;

INSERT INTO meeting_attendance(meeting_id, position, member_id, presence, reason)
    SELECT meeting_id, position, member_id, presence, reason FROM attendance_copy ORDER BY meeting_id, position;
DROP TABLE temp.attendance_copy;
