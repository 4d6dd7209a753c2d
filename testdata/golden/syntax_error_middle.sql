-- A typo in the middle: the statements before and after it are still checked.
CREATE INDEX users_email_idx ON users (email);
ALTER TABLE users ADD COLUMN;
CREATE INDEX users_created_at_idx ON users (created_at);
