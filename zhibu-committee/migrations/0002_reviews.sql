-- 0002: the committee's own word on what branches report: each branch's year reviewed (年度报送
-- 通过 or 退回 with an opinion), and the results decided above for it. Committee-owned: nothing
-- here modifies a branch row, and a branch role may only read its own entries (that is how its
-- feedback reaches it, `zhibu sync pull`).

CREATE TABLE zhibu.reviews (
    uuid        TEXT PRIMARY KEY,
    branch_uuid TEXT NOT NULL REFERENCES zhibu.branches(uuid),
    year        INTEGER NOT NULL,
    topic       TEXT NOT NULL,                   -- 年度报送, 述职评议考核, 星级评定, …
    verdict     TEXT NOT NULL,                   -- 通过 / 退回 / a grade / a rank
    opinion     TEXT NOT NULL DEFAULT '',
    counter     BIGINT NOT NULL,                 -- the branch's counter the decision was made on
    decided_by  TEXT NOT NULL DEFAULT CURRENT_USER,
    decided_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (branch_uuid, year, topic)
);

ALTER TABLE zhibu.reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_reads_own_reviews ON zhibu.reviews FOR SELECT TO zhibu_branch
    USING (branch_uuid = zhibu.branch_of(current_user));
CREATE POLICY committee_reads_reviews ON zhibu.reviews FOR SELECT TO zhibu_committee USING (TRUE);
GRANT SELECT ON zhibu.reviews TO zhibu_branch, zhibu_committee;
