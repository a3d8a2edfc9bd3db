-- 0010: reporting up offline, and the committee's word coming back (issue 17).
-- A branch's signing key for package files is made on its first export; the committee registers
-- its public half once, and refuses packages signed by any other key. The counter the branch last
-- reported (by push or package) is where its next package starts. Feedback from the committee
-- (a submission returned or passed, with the opinion; results decided above) is kept as received
-- and shown read-only: the branch never edits it, and it never leaves the PC again.

CREATE TABLE sync_keys (
    branch_key TEXT PRIMARY KEY,         -- the branch's UUID
    secret     BLOB NOT NULL CHECK (length(secret) = 32),  -- the Ed25519 secret key
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
) STRICT;

CREATE TABLE sync_reported (
    branch_key  TEXT PRIMARY KEY,
    upto        INTEGER NOT NULL CHECK (upto >= 0),  -- the branch's counter the last report reached
    route       TEXT NOT NULL CHECK (route IN ('push', 'package')),
    reported_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
) STRICT;

CREATE TABLE committee_feedback (
    uuid        TEXT PRIMARY KEY,        -- the committee's id of the item
    branch_key  TEXT NOT NULL,
    year        INTEGER NOT NULL,
    topic       TEXT NOT NULL,           -- what it is about (年度报送, 述职评议考核, 星级评定, …)
    verdict     TEXT NOT NULL,           -- 通过 / 退回 / a grade / a rank
    opinion     TEXT NOT NULL DEFAULT '',
    decided_at  TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
) STRICT;
CREATE INDEX committee_feedback_branch ON committee_feedback(branch_key, year);
