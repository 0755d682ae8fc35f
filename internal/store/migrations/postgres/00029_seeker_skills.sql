-- +goose Up
-- 人岗匹配 (issue 6): the skills a person names on their seeker profile (识图, 氩弧焊 …). The
-- occupations of their verified records count as skills too; those are read from the record.
ALTER TABLE seeker_preferences ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE seeker_preferences DROP COLUMN skills;
