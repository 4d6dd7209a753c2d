-- users.legacy_token is no longer read by the application; the column goes.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    legacy_token text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_legacy_token_idx ON users (legacy_token);

INSERT INTO users (email, legacy_token, created_at)
SELECT 'user' || g || '@example.com', CASE WHEN g % 2 = 0 THEN md5('t' || g) END,
       timestamptz '2022-01-01 00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 30000) AS g;
