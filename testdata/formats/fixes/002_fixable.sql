SET lock_timeout = '5s';
create index users_email_idx on users (email);
DROP INDEX users_org_idx;
REINDEX TABLE users;
REFRESH MATERIALIZED VIEW user_counts;
ALTER TABLE users ADD CONSTRAINT users_org_fkey FOREIGN KEY (org) REFERENCES orgs (id);
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '');
