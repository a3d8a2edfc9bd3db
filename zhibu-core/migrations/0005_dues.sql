-- 0005: 党费. A member's dues base for each year (category, income, the monthly amount confirmed),
-- and the payments (or approved exemptions) that settle whole months. Amounts are in fen.
CREATE TABLE dues_bases (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    category     TEXT NOT NULL CHECK (category IN ('employed', 'retired', 'farmer', 'student', 'unemployed')),
    income       INTEGER CHECK (income >= 0),                 -- monthly after-tax income or pension
    monthly      INTEGER NOT NULL CHECK (monthly > 0),        -- dues a month
    confirmed_on TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    UNIQUE (member_id, year)
) STRICT;

CREATE TABLE dues_payments (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    from_month TEXT NOT NULL,                                  -- YYYY-MM, first month settled
    to_month   TEXT NOT NULL CHECK (to_month >= from_month),   -- YYYY-MM, last month settled
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    paid_on    TEXT NOT NULL,
    method     TEXT NOT NULL CHECK (method IN ('cash', 'transfer', 'payroll', 'online', 'exempt')),
    note       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX dues_payments_member ON dues_payments(member_id, from_month);
