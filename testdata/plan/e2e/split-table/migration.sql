CREATE TABLE user_profiles (
    user_id integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    first_name varchar(100),
    last_name varchar(100),
    bio text,
    avatar_url text,
    settings jsonb
);

INSERT INTO user_profiles (user_id, first_name, last_name, bio, avatar_url, settings)
SELECT id, first_name, last_name, bio, avatar_url, settings
FROM users;

ALTER TABLE users
    DROP COLUMN first_name,
    DROP COLUMN last_name,
    DROP COLUMN bio,
    DROP COLUMN avatar_url,
    DROP COLUMN settings;
