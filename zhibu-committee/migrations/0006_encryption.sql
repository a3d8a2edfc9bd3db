-- 0006: encryption (issue 33). The committee's own encryption key pair: report packages are
-- encrypted to its public half, which a branch login may read (it also arrives in the connection
-- file); the secret half only the committee's owner login reads. Each branch's public encryption
-- key, from its registration file: feedback packages and connection files are encrypted to it.

ALTER TABLE zhibu.committee_key ADD COLUMN enc_secret TEXT, ADD COLUMN enc_public TEXT;
GRANT SELECT (enc_public) ON zhibu.committee_key TO zhibu_branch, zhibu_committee;
ALTER TABLE zhibu.branches ADD COLUMN enc_public TEXT;
