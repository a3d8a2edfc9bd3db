-- 0012: encryption (issue 33). A branch's secret encryption key (age, made on first use and kept
-- here, so a restored backup keeps the branch's identity): the committee encrypts the connection
-- file and feedback packages to its public half, which the branch's registration file carries.

CREATE TABLE sync_encryption (
    branch_key TEXT PRIMARY KEY,         -- the branch's UUID
    identity   TEXT NOT NULL CHECK (identity LIKE 'AGE-SECRET-KEY-%'),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
) STRICT;
