-- Seeded schema for tests/pg/facts.py: the tables, indexes, constraints,
-- views and rows that the rule examples (rules/*.yaml) and the facts cases
-- (cases.sql) act on. Loaded once into a template database; pgbelay reads
-- the same file as --schema, so both sides start from the same schema.
CREATE EXTENSION btree_gist;
CREATE SCHEMA app;
CREATE SCHEMA reporting;
CREATE SCHEMA legacy;
CREATE SCHEMA archive;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE FUNCTION make_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;

CREATE TABLE tenants (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO tenants SELECT g, 't' || g FROM generate_series(1, 100) g;
CREATE TABLE regions (id int PRIMARY KEY);
INSERT INTO regions SELECT g FROM generate_series(1, 10) g;
CREATE TABLE groups (id bigint PRIMARY KEY);
INSERT INTO groups SELECT g FROM generate_series(1, 10) g;

CREATE TABLE users (id bigint PRIMARY KEY, email text, name varchar(50), first_name text, last_name text,
                    age int, legacy_code text, legacy text, avatar_url text, mood mood);
INSERT INTO users SELECT g, 'u' || g || '@example.com', 'user ' || g, 'first', 'last', 20 + g % 50, 'c', 'l',
                         'a', 'ok' FROM generate_series(1, 2000) g;
CREATE INDEX users_name_idx ON users (name);

CREATE TABLE customers (id bigint PRIMARY KEY);
INSERT INTO customers SELECT g FROM generate_series(1, 100) g;

CREATE TABLE orders (id int PRIMARY KEY, user_id bigint, customer_id bigint, number int, total numeric,
                     status text, created_at timestamptz, deleted_at timestamptz);
INSERT INTO orders SELECT g, 1 + g % 2000, g, g, g, CASE WHEN g % 2 = 0 THEN 'new' ELSE 'paid' END, now(), NULL
  FROM generate_series(1, 3000) g;
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id int REFERENCES orders (id), amount numeric);
INSERT INTO order_items SELECT g, 1 + g % 3000, g FROM generate_series(1, 3000) g;
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
CREATE TABLE order_totals (order_id int, total numeric);

CREATE TABLE events (created_at timestamp, attempts int, payload text);
INSERT INTO events SELECT now(), g % 5, 'p' FROM generate_series(1, 2000) g;
CREATE INDEX events_created_at_idx ON events (created_at);

CREATE TABLE sessions (id bigint PRIMARY KEY, expires_at timestamptz);
INSERT INTO sessions SELECT g, now() FROM generate_series(1, 500) g;
CREATE TABLE legacy_events (id bigint);
INSERT INTO legacy_events SELECT g FROM generate_series(1, 100) g;
CREATE TABLE legacy_settings (key text, value text);
INSERT INTO legacy_settings SELECT 'k' || g, 'V' FROM generate_series(1, 100) g;
CREATE TABLE audit_log (event text);
CREATE TABLE bookings (id bigint, room_id int, during tstzrange);
INSERT INTO bookings SELECT g, g, tstzrange(now(), now() + interval '1 hour') FROM generate_series(1, 200) g;
CREATE TABLE prices (id bigint, amount numeric(12, 2));
INSERT INTO prices SELECT g, g FROM generate_series(1, 500) g;
CREATE TABLE empty_t (id int);
CREATE VIEW legacy_report AS SELECT key FROM legacy_settings;
CREATE MATERIALIZED VIEW daily_totals AS SELECT status AS day, count(*) AS n FROM orders GROUP BY status;
CREATE UNIQUE INDEX daily_totals_day_idx ON daily_totals (day);
CREATE SEQUENCE invoice_numbers;

-- partitions: p has a DEFAULT partition, q has none (DETACH CONCURRENTLY)
CREATE TABLE p (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (100);
CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (100) TO (200);
CREATE TABLE pdef PARTITION OF p DEFAULT;
INSERT INTO p SELECT g, g % 200 FROM generate_series(1, 1000) g;
CREATE TABLE pnew (id int, k int);
INSERT INTO pnew SELECT g, 250 FROM generate_series(1, 100) g;
CREATE TABLE q (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE q1 PARTITION OF q FOR VALUES FROM (0) TO (100);
CREATE TABLE q2 PARTITION OF q FOR VALUES FROM (100) TO (200);
INSERT INTO q SELECT g, g % 200 FROM generate_series(1, 1000) g;
CREATE TABLE par (id int, x int);
CREATE TABLE kid (id int, x int);
INSERT INTO kid SELECT g, g FROM generate_series(1, 100) g;

CREATE TABLE app.measurements (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE app.measurements_y2020 PARTITION OF app.measurements FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE app.measurements_y2021 PARTITION OF app.measurements FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
INSERT INTO app.measurements SELECT g, date '2020-01-01' + g FROM generate_series(1, 600) g;
CREATE TABLE app.orders (id bigint PRIMARY KEY, total numeric, status text, created_at timestamptz);
INSERT INTO app.orders SELECT g, g, 'new', now() FROM generate_series(1, 300) g;
CREATE INDEX orders_created_at_idx ON app.orders (created_at);
CREATE INDEX orders_status_idx ON app.orders (status);
CREATE TABLE app.events (id bigserial PRIMARY KEY, kind text);
INSERT INTO app.events (kind) SELECT 'k' FROM generate_series(1, 300) g;
CREATE TABLE app.event_payloads (event_id bigint REFERENCES app.events (id), body text);
INSERT INTO app.event_payloads SELECT g, 'b' FROM generate_series(1, 300) g;
CREATE TABLE app.sessions (id bigint PRIMARY KEY);
CREATE TABLE app.tokens (id bigint, session_id bigint REFERENCES app.sessions (id));
CREATE MATERIALIZED VIEW reporting.daily_totals AS SELECT status AS day, count(*) AS n FROM orders GROUP BY status;
CREATE TABLE legacy.things (id int);
CREATE TABLE archive.things (id int);
