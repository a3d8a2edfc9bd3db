-- 0004: the committee's own signing key, for the feedback packages it hands to branches that
-- report offline (a branch checks them against the committee's public key, which its login may
-- read — the secret half only the committee's owner login can).

CREATE TABLE zhibu.committee_key (
    one        BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    secret     BYTEA NOT NULL,
    public_key BYTEA NOT NULL
);
GRANT SELECT (public_key) ON zhibu.committee_key TO zhibu_branch, zhibu_committee;
