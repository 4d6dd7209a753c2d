-- suppression comments: each kind once (the golden case config_suppress)
-- pgbelay-ignore-file PB118: the audit table is rebuilt nightly
SET lock_timeout = '3s';
TRUNCATE audit_log;

-- pgbelay-ignore drop-column: unused since v2.3
ALTER TABLE users DROP COLUMN legacy_flags;

-- a comment between the directive and its statement is fine
-- pgbelay-ignore drop-table, rename-table: both tables are empty
-- (checked on 2024-05-01)
DROP TABLE old_sessions;

DROP TABLE old_tokens; -- pgbelay-ignore drop-table: trailing, on the same line

-- pgbelay-ignore drop-table
DROP TABLE old_events;

-- pgbelay-ignore create-index-non-concurrent: nothing to suppress here
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);

-- pgbelay-ignore drop-tabel: misspelt
DROP TABLE old_logs;

-- pgbelay-ignore
SELECT 1;
