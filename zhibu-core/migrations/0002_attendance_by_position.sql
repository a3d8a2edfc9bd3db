-- Attendance read in roll-call order without touching the table: the rules and reports read
-- every attendance row of a year and a half of meetings, in (meeting, position) order, and the
-- primary key (meeting_id, member_id) made SQLite fetch each row from the table and sort each
-- meeting's rows again. This covering index serves those reads (compliance of 50 branches read
-- ~108,000 rows; see BENCHMARKS.md).
CREATE INDEX meeting_attendance_by_position
    ON meeting_attendance(meeting_id, position, member_id, presence, reason);
