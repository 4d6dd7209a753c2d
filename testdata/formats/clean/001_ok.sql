SET lock_timeout = '5s';
CREATE TABLE t (id bigint);
CREATE INDEX CONCURRENTLY t_id_idx ON t (id);
