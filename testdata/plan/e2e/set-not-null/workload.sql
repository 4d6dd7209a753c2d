-- pgbench script: sign-ups (with and without an explicit plan), upgrades, reads.
\set uid random(1, 30000)
INSERT INTO users (email) VALUES (gen_random_uuid() || '@example.org');
INSERT INTO users (email, plan) VALUES (gen_random_uuid() || '@example.org', 'pro');
UPDATE users SET plan = 'team' WHERE id = :uid;
SELECT plan FROM users WHERE id = :uid;
