-- Scenario 5: users gets last_active_at, filled from last_login (or
-- created_at for users who never logged in), on a table that is written
-- all the time.
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    last_login timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO users (email, last_login, created_at)
SELECT 'user' || g || '@example.com',
       CASE WHEN g % 4 = 0 THEN NULL ELSE timestamptz '2024-06-01 00:00+00' + g * interval '3 minutes' END,
       timestamptz '2022-01-01 00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 20000) AS g;
