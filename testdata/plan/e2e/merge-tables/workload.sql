-- pgbench script on users, the one table of every phase; the preference
-- tables before, during and after the merge all reference it.
\set uid random(1, 20000)
INSERT INTO users (email) VALUES (gen_random_uuid() || '@example.org');
UPDATE users SET email = 'user' || :uid || '@example.com' WHERE id = :uid;
SELECT id, email FROM users WHERE id = :uid;
