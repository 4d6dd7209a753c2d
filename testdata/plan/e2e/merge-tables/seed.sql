-- Scenario 3: email_preferences and notification_preferences merge into
-- user_preferences. Not every user has a row in either table.
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE email_preferences (
    user_id integer PRIMARY KEY REFERENCES users (id),
    newsletter boolean NOT NULL DEFAULT true,
    marketing boolean NOT NULL DEFAULT false,
    digest boolean NOT NULL DEFAULT true
);

CREATE TABLE notification_preferences (
    user_id integer PRIMARY KEY REFERENCES users (id),
    push_enabled boolean NOT NULL DEFAULT true,
    sms_enabled boolean NOT NULL DEFAULT false,
    in_app boolean NOT NULL DEFAULT true
);

INSERT INTO users (email, created_at)
SELECT 'user' || g || '@example.com', timestamptz '2022-01-01 00:00+00' + g * interval '17 minutes'
FROM generate_series(1, 20000) AS g;

INSERT INTO email_preferences (user_id, newsletter, marketing, digest)
SELECT g, g % 2 = 0, g % 5 = 0, g % 3 <> 0
FROM generate_series(1, 20000) AS g
WHERE g % 7 <> 0;

INSERT INTO notification_preferences (user_id, push_enabled, sms_enabled, in_app)
SELECT g, g % 3 = 0, g % 11 = 0, g % 2 = 0
FROM generate_series(1, 20000) AS g
WHERE g % 4 <> 0;
