-- pgbench script. Neither username nor handle exists in every phase, so
-- the workload uses the other columns; its updates fire whatever keeps the
-- two columns in sync.
\set uid random(1, 20000)
SELECT id, email, last_seen_at FROM users WHERE id = :uid;
UPDATE users SET last_seen_at = now() WHERE id = :uid;
SELECT count(*) FROM users WHERE created_at > now() - interval '1 day';
