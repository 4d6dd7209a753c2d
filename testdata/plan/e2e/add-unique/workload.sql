-- pgbench script: sign-ups (fresh e-mail addresses), profile edits, log-ins.
\set uid random(1, 30000)
INSERT INTO users (email, display_name) VALUES (gen_random_uuid() || '@example.org', 'new user');
UPDATE users SET display_name = 'User ' || :uid WHERE id = :uid;
SELECT id, display_name FROM users WHERE email = 'user' || :uid || '@example.com';
