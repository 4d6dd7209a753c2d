-- Sign-ups: e-mail addresses are unique in practice (the application
-- checks); the database should enforce it.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO users (email, display_name, created_at)
SELECT 'user' || g || '@example.com', 'User ' || g,
       timestamptz '2022-01-01 00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 30000) AS g;
