-- Users get a public identifier that is not the sequential id.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO users (email, created_at)
SELECT 'user' || g || '@example.com', timestamptz '2022-01-01 00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 20000) AS g;
