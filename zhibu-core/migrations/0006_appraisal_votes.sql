-- 0006: 民主评议党员 as it is run: the 民主测评 ballots by grade, the grade the rules suggested when the
-- branch decided, and the branch's reason when it decided otherwise. Older rows: no ballots recorded.
ALTER TABLE member_appraisals ADD COLUMN votes_outstanding INTEGER NOT NULL DEFAULT 0 CHECK (votes_outstanding >= 0);
ALTER TABLE member_appraisals ADD COLUMN votes_qualified INTEGER NOT NULL DEFAULT 0 CHECK (votes_qualified >= 0);
ALTER TABLE member_appraisals ADD COLUMN votes_basically_qualified INTEGER NOT NULL DEFAULT 0
    CHECK (votes_basically_qualified >= 0);
ALTER TABLE member_appraisals ADD COLUMN votes_unqualified INTEGER NOT NULL DEFAULT 0 CHECK (votes_unqualified >= 0);
ALTER TABLE member_appraisals ADD COLUMN suggested TEXT
    CHECK (suggested IN ('outstanding', 'qualified', 'basically_qualified', 'unqualified'));
ALTER TABLE member_appraisals ADD COLUMN reason TEXT NOT NULL DEFAULT '';
