-- 0001: the committee's database. Branches report their records into `zhibu.records`, each under
-- its own database role; row-level security lets a branch role write and read only its own rows
-- and nothing of other branches, and the committee role read them all. Committee-owned tables
-- (review states, opinions, ballots, quotas) never modify branch rows. Standard SQL and the
-- client's plain features only: PostgreSQL-compatible servers speak the same.

CREATE SCHEMA IF NOT EXISTS zhibu;

-- Every branch registered with the committee, with the database role it reports under.
CREATE TABLE zhibu.branches (
    uuid          TEXT PRIMARY KEY,                 -- the branch's UUID (made on its own PC)
    name          TEXT NOT NULL,
    role_name     TEXT NOT NULL UNIQUE,             -- the branch's login role
    public_key    BYTEA,                            -- its Ed25519 key, for signed packages
    last_counter  BIGINT NOT NULL DEFAULT 0,        -- the branch's change counter acknowledged so far
    registered_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Each branch record as the branch last sent it: its newest version, or its tombstone.
CREATE TABLE zhibu.records (
    branch_uuid TEXT NOT NULL REFERENCES zhibu.branches(uuid),
    kind        TEXT NOT NULL,                      -- member, meeting, … (the branch's change log kinds)
    uuid        TEXT NOT NULL,
    counter     BIGINT NOT NULL,                    -- the branch's counter at this version
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    body        TEXT,                               -- the record as JSON (none for a tombstone)
    received_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (kind, uuid)
);
CREATE INDEX records_branch_counter ON zhibu.records(branch_uuid, counter);

-- The branch a role reports for (none for the committee and the administrator). It reads the
-- registry as its owner (a branch may not read the registry itself); the policies pass it the
-- role evaluating them, `current_user`.
CREATE FUNCTION zhibu.branch_of(role_name TEXT) RETURNS TEXT
    LANGUAGE SQL STABLE SECURITY DEFINER SET search_path = zhibu, pg_temp
    AS $$ SELECT uuid FROM zhibu.branches b WHERE b.role_name = branch_of.role_name $$;

ALTER TABLE zhibu.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE zhibu.branches ENABLE ROW LEVEL SECURITY;

-- A branch role: its own rows only, to read and to write.
CREATE POLICY branch_own_records ON zhibu.records
    USING (branch_uuid = zhibu.branch_of(current_user))
    WITH CHECK (branch_uuid = zhibu.branch_of(current_user));
CREATE POLICY branch_own_entry ON zhibu.branches FOR SELECT
    USING (uuid = zhibu.branch_of(current_user));
CREATE POLICY branch_own_counter ON zhibu.branches FOR UPDATE
    USING (uuid = zhibu.branch_of(current_user)) WITH CHECK (uuid = zhibu.branch_of(current_user));

-- The committee: reads every branch's rows; writes none of them.
-- Roles belong to the whole server: another database of it may have made them already.
DO $$ BEGIN
    BEGIN
        CREATE ROLE zhibu_committee NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE zhibu_branch NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END $$;
GRANT USAGE ON SCHEMA zhibu TO zhibu_committee, zhibu_branch;
GRANT SELECT ON zhibu.records, zhibu.branches TO zhibu_committee;
CREATE POLICY committee_reads_records ON zhibu.records FOR SELECT TO zhibu_committee USING (TRUE);
CREATE POLICY committee_reads_branches ON zhibu.branches FOR SELECT TO zhibu_committee USING (TRUE);
GRANT SELECT, INSERT, UPDATE ON zhibu.records TO zhibu_branch;
GRANT SELECT, UPDATE (last_counter) ON zhibu.branches TO zhibu_branch;
GRANT EXECUTE ON FUNCTION zhibu.branch_of(TEXT) TO zhibu_branch, zhibu_committee;
