-- pgbench script: log-ins (single-row updates, competing with the backfill
-- for row locks), sign-ups, reads.
\set uid random(1, 20000)
UPDATE users SET last_login = now() WHERE id = :uid;
INSERT INTO users (email) VALUES (gen_random_uuid() || '@example.org');
SELECT email, last_login FROM users WHERE id = :uid;
