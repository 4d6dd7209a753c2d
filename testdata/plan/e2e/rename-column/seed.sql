-- Scenario 1: users.username is renamed to users.handle while the
-- application keeps reading and writing users.
CREATE TABLE users (
    id serial PRIMARY KEY,
    username text NOT NULL,
    email text NOT NULL,
    last_seen_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_key UNIQUE (username)
);

INSERT INTO users (username, email, last_seen_at, created_at)
SELECT 'user' || g,
       'user' || g || '@example.com',
       CASE WHEN g % 3 = 0 THEN NULL ELSE timestamptz '2024-06-01 00:00+00' + g * interval '1 minute' END,
       timestamptz '2023-01-01 00:00+00' + g * interval '10 minutes'
FROM generate_series(1, 20000) AS g;
