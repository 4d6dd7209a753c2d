-- The schema later migrations build on: a composite primary key written as a
-- table element, a partitioned table, an enum type, a view.
CREATE TABLE orgs (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE memberships (
    org_id bigint NOT NULL,
    user_id bigint NOT NULL,
    role text,
    PRIMARY KEY (org_id, user_id)
);
CREATE TYPE plan AS ENUM ('free', 'pro');
CREATE TABLE events (id bigint NOT NULL, org_id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE VIEW org_members AS SELECT o.name, m.user_id FROM orgs o JOIN memberships m ON m.org_id = o.id;
CREATE SEQUENCE invoice_no AS integer OWNED BY orgs.id;
ALTER SEQUENCE invoice_no AS bigint;
CREATE MATERIALIZED VIEW active_orgs AS
    WITH recent AS (SELECT org_id, count(*) FILTER (WHERE at > now() - interval '7 days') AS n FROM events GROUP BY org_id)
    SELECT o.id, r.n, (SELECT count(*) FROM memberships m WHERE m.org_id = o.id) AS members
    FROM orgs o LEFT JOIN recent r ON r.org_id = o.id
    CROSS JOIN LATERAL (SELECT 1 AS one) l, generate_series(1, 2) g
    WHERE o.id IN (SELECT org_id FROM memberships) AND (o.name IS NOT TRUE) IS NOT NULL
    UNION ALL SELECT 0, 0, 0
    UNION ALL VALUES (1, 1, 1);
ALTER TABLE orgs ADD CONSTRAINT orgs_no_overlap EXCLUDE USING gist (id WITH =);
