-- 0005: the files branches attach to their meetings (签到表, photos, materials), stored once per
-- branch and content. A branch record names a file by its SHA-256; the file comes with the change
-- set that first names it. Branch rows like `zhibu.records`: a branch role writes and reads only its
-- own, the committee reads them all and writes none.

CREATE TABLE zhibu.attachments (
    branch_uuid TEXT NOT NULL REFERENCES zhibu.branches(uuid),
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    file_name   TEXT NOT NULL,                   -- the name it was first reported under
    size        BIGINT NOT NULL,
    content     BYTEA NOT NULL,
    received_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (branch_uuid, sha256)
);

ALTER TABLE zhibu.attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_own_attachments ON zhibu.attachments
    USING (branch_uuid = zhibu.branch_of(current_user))
    WITH CHECK (branch_uuid = zhibu.branch_of(current_user));
CREATE POLICY committee_reads_attachments ON zhibu.attachments FOR SELECT TO zhibu_committee USING (TRUE);
GRANT SELECT, INSERT ON zhibu.attachments TO zhibu_branch;
GRANT SELECT ON zhibu.attachments TO zhibu_committee;
