-- +goose Up
-- +goose ENVSUB ON
-- Names written with goose's ${VAR} templates: findings show them as written,
-- not as the 'x' placeholders the parser reads.
SET lock_timeout = '5s';
ALTER TABLE ${schema}.users ADD COLUMN score int CONSTRAINT score_positive CHECK (score > 0);
CREATE INDEX ON ${schema}.users_${env} (score);
CREATE TABLE ${schema}.audit_${env} (id bigint);

-- +goose Down
SET lock_timeout = '5s';
ALTER TABLE ${schema}.users DROP COLUMN score;
