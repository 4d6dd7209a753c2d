-- pgbench script: new events (values that fit both integer and bigint),
-- corrections, the report query.
\set eid random(1, 20000)
\set size random(1, 2000000000)
INSERT INTO events (kind, payload_size) VALUES ('upload', :size);
UPDATE events SET payload_size = :size WHERE id = :eid;
SELECT id, payload_size FROM events ORDER BY payload_size DESC LIMIT 5;
