-- Statements that exercise every row of pgbelay's facts table
-- (src/facts/facts.c) on PostgreSQL 15, run by tests/pg/facts.py on the
-- schema of seed.sql. A case starts at a "-- case: NAME" line; every
-- statement of a case is checked (earlier ones set the scene and are
-- checked too). Statements that cannot run in a transaction block are run
-- outside one on a copy of the seeded database.

-- case: add-column
ALTER TABLE users ADD COLUMN c1 int;
-- case: add-column-constant-default
ALTER TABLE users ADD COLUMN c1 int DEFAULT 5;
-- case: add-column-stable-default
ALTER TABLE users ADD COLUMN c1 timestamptz DEFAULT now();
-- case: add-column-volatile-default
ALTER TABLE users ADD COLUMN c1 float8 DEFAULT random();
-- case: add-column-serial
ALTER TABLE users ADD COLUMN c1 serial;
-- case: add-column-identity
ALTER TABLE users ADD COLUMN c1 bigint GENERATED ALWAYS AS IDENTITY;
-- case: add-column-generated-stored
ALTER TABLE users ADD COLUMN c1 int GENERATED ALWAYS AS (age * 2) STORED;
-- case: add-column-not-null-no-default-empty-table
ALTER TABLE empty_t ADD COLUMN c1 int NOT NULL;
-- case: add-column-not-null-default
ALTER TABLE users ADD COLUMN c1 int NOT NULL DEFAULT 0;
-- case: add-column-check
ALTER TABLE users ADD COLUMN c1 int CHECK (c1 > 0);
-- case: add-column-unique
ALTER TABLE users ADD COLUMN c1 int UNIQUE;
-- case: add-column-references
ALTER TABLE orders ADD COLUMN c1 bigint REFERENCES users (id);
-- case: add-column-references-default
ALTER TABLE orders ADD COLUMN c1 int DEFAULT 1 REFERENCES regions (id);
-- case: drop-column
ALTER TABLE users DROP COLUMN legacy;
-- case: drop-column-indexed
ALTER TABLE users DROP COLUMN name;
-- case: drop-column-foreign-key
ALTER TABLE order_items DROP COLUMN order_id;
-- case: alter-type-varchar-longer
ALTER TABLE users ALTER COLUMN name TYPE varchar(100);
-- case: alter-type-varchar-to-text
ALTER TABLE users ALTER COLUMN name TYPE text;
-- case: alter-type-int-to-bigint
ALTER TABLE users ALTER COLUMN age TYPE bigint;
-- case: alter-type-using
ALTER TABLE users ALTER COLUMN age TYPE int USING age + 0;
-- case: alter-type-using-cast-to-the-new-type
ALTER TABLE users ALTER COLUMN age TYPE bigint USING age::bigint;
-- case: alter-type-numeric-scale
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(14, 2);
-- case: alter-type-timestamptz-utc
SET TimeZone = 'UTC';
ALTER TABLE events ALTER COLUMN created_at TYPE timestamptz;
-- case: alter-type-timestamptz-other-zone
SET TimeZone = 'Europe/Paris';
ALTER TABLE events ALTER COLUMN created_at TYPE timestamptz;
-- case: set-default
ALTER TABLE users ALTER COLUMN age SET DEFAULT 1;
-- case: drop-default
ALTER TABLE users ALTER COLUMN age DROP DEFAULT;
-- case: set-not-null
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
-- case: set-not-null-proven-by-check
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
-- case: set-not-null-not-valid-check
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
-- case: drop-not-null
ALTER TABLE tenants ALTER COLUMN name DROP NOT NULL;
-- case: rename-column
ALTER TABLE users RENAME COLUMN legacy TO old_legacy;
-- case: add-check
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
-- case: add-check-not-valid
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
-- case: add-foreign-key
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
-- case: add-foreign-key-not-valid
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- case: add-unique
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
-- case: add-primary-key
ALTER TABLE kid ADD PRIMARY KEY (id);
-- case: add-unique-using-index
CREATE UNIQUE INDEX users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
-- case: add-exclusion
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);
-- case: validate-check
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
-- case: validate-foreign-key
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
-- case: drop-constraint
ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0) NOT VALID;
ALTER TABLE users DROP CONSTRAINT users_age_check;
-- case: drop-foreign-key
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey;
-- case: set-statistics
ALTER TABLE users ALTER COLUMN age SET STATISTICS 500;
-- case: set-attribute-options
ALTER TABLE users ALTER COLUMN age SET (n_distinct = 100);
-- case: set-fillfactor
ALTER TABLE users SET (fillfactor = 70);
-- case: cluster-on
ALTER TABLE events CLUSTER ON events_created_at_idx;
-- case: set-storage
ALTER TABLE users ALTER COLUMN legacy SET STORAGE EXTERNAL;
-- case: set-compression
ALTER TABLE users ALTER COLUMN legacy SET COMPRESSION pglz;
-- case: owner-to
ALTER TABLE users OWNER TO CURRENT_USER;
-- case: replica-identity
ALTER TABLE users REPLICA IDENTITY FULL;
-- case: row-level-security
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
-- case: user-catalog-table
ALTER TABLE users SET (user_catalog_table = true);
-- case: disable-trigger
ALTER TABLE users DISABLE TRIGGER ALL;
-- case: set-unlogged
ALTER TABLE legacy_events SET UNLOGGED;
-- case: set-access-method
ALTER TABLE users SET ACCESS METHOD heap;
-- case: set-tablespace
ALTER TABLE users SET TABLESPACE facts_ts;
-- case: attach-partition
ALTER TABLE p ATTACH PARTITION pnew FOR VALUES FROM (200) TO (300);
-- case: attach-partition-no-default
ALTER TABLE q ATTACH PARTITION pnew FOR VALUES FROM (200) TO (300);
-- case: detach-partition
ALTER TABLE q DETACH PARTITION q2;
-- case: detach-partition-concurrently
ALTER TABLE q DETACH PARTITION q2 CONCURRENTLY;
-- case: inherit
ALTER TABLE kid INHERIT par;
-- case: create-table
CREATE TABLE c_new (id int PRIMARY KEY, v text);
-- case: create-table-references
CREATE TABLE c_new (id int PRIMARY KEY, user_id bigint REFERENCES users (id));
-- case: create-table-partition-of
CREATE TABLE q3 PARTITION OF q FOR VALUES FROM (200) TO (300);
-- case: create-table-partition-of-with-default
CREATE TABLE p3 PARTITION OF p FOR VALUES FROM (200) TO (300);
-- case: create-table-default-partition
CREATE TABLE qdef PARTITION OF q DEFAULT;
-- case: detach-partition-with-default
ALTER TABLE p DETACH PARTITION p2;
-- case: create-table-as
CREATE TABLE c_new AS SELECT id, email FROM users;
-- case: create-materialized-view
CREATE MATERIALIZED VIEW c_mv AS SELECT id, email FROM users;
-- case: drop-table
DROP TABLE legacy_events;
-- case: drop-table-referencing
DROP TABLE order_items;
-- case: rename-table
ALTER TABLE customers RENAME TO clients;
-- case: truncate
TRUNCATE sessions;
-- case: lock-table
LOCK TABLE orders;
-- case: lock-table-share
LOCK TABLE orders IN SHARE MODE;
-- case: create-index
CREATE INDEX users_email_idx ON users (email);
-- case: create-index-partitioned
CREATE INDEX p_k_idx ON p (k);
-- case: create-index-concurrently
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
-- case: drop-index
DROP INDEX users_name_idx;
-- case: drop-index-concurrently
DROP INDEX CONCURRENTLY users_name_idx;
-- case: reindex-index
REINDEX INDEX users_name_idx;
-- case: reindex-table
REINDEX TABLE users;
-- case: reindex-index-concurrently
REINDEX INDEX CONCURRENTLY users_name_idx;
-- case: reindex-schema
REINDEX SCHEMA app;
-- case: rename-index
ALTER INDEX users_name_idx RENAME TO users_name_idx2;
-- case: vacuum
VACUUM users;
-- case: vacuum-full
VACUUM FULL users;
-- case: analyze
ANALYZE users;
-- case: cluster
CLUSTER events USING events_created_at_idx;
-- case: cluster-all
CLUSTER;
-- case: refresh-matview
REFRESH MATERIALIZED VIEW daily_totals;
-- case: refresh-matview-concurrently
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;
-- case: create-trigger
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
-- case: drop-trigger
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
DROP TRIGGER users_touch ON users;
-- case: create-view
CREATE VIEW c_view AS SELECT id, email FROM users;
-- case: create-or-replace-view
CREATE OR REPLACE VIEW legacy_report AS SELECT key FROM legacy_settings;
-- case: drop-view
DROP VIEW legacy_report;
-- case: drop-policy
CREATE POLICY users_own ON users USING (true);
DROP POLICY users_own ON users;
-- case: alter-policy
CREATE POLICY users_own ON users USING (true);
ALTER POLICY users_own ON users USING (id > 0);
-- case: alter-sequence
ALTER SEQUENCE invoice_numbers RESTART WITH 100;
-- case: comment
COMMENT ON TABLE users IS 'people';
-- case: comment-column
COMMENT ON COLUMN users.email IS 'address';
-- case: alter-enum-add-value
ALTER TYPE mood ADD VALUE 'happy';
-- case: alter-enum-rename-value
ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';
-- case: insert
INSERT INTO audit_log (event) VALUES ('x');
-- case: insert-referencing
INSERT INTO order_items (id, order_id, amount) VALUES (100000, 1, 1);
-- case: update
UPDATE users SET age = age + 1 WHERE id = 1;
-- case: delete
DELETE FROM sessions WHERE id = 1;
-- case: drop-schema-cascade
DROP SCHEMA legacy CASCADE;
-- case: non-transactional
DISCARD ALL;
