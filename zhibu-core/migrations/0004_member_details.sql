-- 0004: the roster fields reports print beside the member's name: 学历, 工作单位及职务, 籍贯, 备注.
-- Rosters as offices keep them carry these columns; each may be empty.
ALTER TABLE members ADD COLUMN education TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN work TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN native_place TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN remarks TEXT NOT NULL DEFAULT '';
