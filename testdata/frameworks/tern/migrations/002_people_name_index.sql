---- tern: disable-tx ----
-- tern splits this file and runs each statement on its own
CREATE INDEX CONCURRENTLY people_name_idx ON {{.prefix}}people (name);
CREATE INDEX CONCURRENTLY people_updated_at_idx ON {{.prefix}}people (updated_at);

---- create above / drop below ----

DROP INDEX CONCURRENTLY people_updated_at_idx;
DROP INDEX CONCURRENTLY people_name_idx;
