ALTER TABLE users ADD COLUMN last_active_at timestamptz;
UPDATE users SET last_active_at = created_at;
