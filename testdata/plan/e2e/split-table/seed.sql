-- Scenario 2: users has grown profile columns; they move to user_profiles.
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    first_name varchar(100),
    last_name varchar(100),
    bio text,
    avatar_url text,
    settings jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO users (email, password_hash, first_name, last_name, bio, avatar_url, settings, created_at)
SELECT 'user' || g || '@example.com',
       md5('secret' || g),
       'First' || g,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'Last' || g END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'Bio of user ' || g END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE 'https://cdn.example.com/a/' || g || '.png' END,
       jsonb_build_object('theme', (ARRAY['light', 'dark'])[1 + g % 2], 'lang', 'en'),
       timestamptz '2022-01-01 00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 20000) AS g;
