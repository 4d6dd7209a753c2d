-- pgbench script on what users keeps in every phase (id, email,
-- password_hash, created_at): sign-ups, password changes, log-ins.
\set uid random(1, 20000)
INSERT INTO users (email, password_hash) VALUES (gen_random_uuid() || '@example.org', md5('x'));
UPDATE users SET password_hash = md5('new' || :uid) WHERE id = :uid;
SELECT id, password_hash FROM users WHERE email = 'user' || :uid || '@example.com';
