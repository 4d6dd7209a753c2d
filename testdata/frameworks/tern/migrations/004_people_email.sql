SET lock_timeout = '5s';
ALTER TABLE {{.prefix}}people ADD COLUMN email text;
-- wrong: tern runs this file in a transaction (no disable-tx line)
CREATE INDEX CONCURRENTLY people_email_idx ON {{.prefix}}people (email);

---- create above / drop below ----

DROP INDEX people_email_idx;
ALTER TABLE {{.prefix}}people DROP COLUMN email;
