-- Up Migration
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id bigint NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE sessions;
