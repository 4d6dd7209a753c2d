-- pgbench script: the application as deployed after the gate, without
-- legacy_token.
\set uid random(1, 30000)
INSERT INTO users (email) VALUES (gen_random_uuid() || '@example.org');
UPDATE users SET email = 'user' || :uid || '@example.com' WHERE id = :uid;
SELECT id, email, created_at FROM users WHERE id = :uid;
