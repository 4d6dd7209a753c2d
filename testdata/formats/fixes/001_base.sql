CREATE TABLE users (id bigint PRIMARY KEY, email text, org bigint);
CREATE TABLE orgs (id bigint PRIMARY KEY);
CREATE MATERIALIZED VIEW user_counts AS SELECT org, count(*) FROM users GROUP BY org;
CREATE INDEX users_org_idx ON users (org);
