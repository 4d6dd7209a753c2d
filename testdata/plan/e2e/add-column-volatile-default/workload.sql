-- pgbench script: sign-ups (external_id left to its default, once there is
-- one), e-mail changes, reads.
\set uid random(1, 20000)
INSERT INTO users (email) VALUES (gen_random_uuid() || '@example.org');
UPDATE users SET email = 'user' || :uid || '@example.com' WHERE id = :uid;
SELECT id, email FROM users WHERE id = :uid;
