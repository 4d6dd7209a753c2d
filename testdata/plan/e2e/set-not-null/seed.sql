-- Subscriptions: every user has a plan (the application sets one), but the
-- column was created nullable.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    plan text DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO users (email, plan, created_at)
SELECT 'user' || g || '@example.com', (ARRAY['free', 'pro', 'team'])[1 + g % 3],
       timestamptz '2022-01-01 00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 30000) AS g;
