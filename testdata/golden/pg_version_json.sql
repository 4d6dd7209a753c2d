-- pgbelay: --pg-version 13 --format json
CREATE INDEX users_email_idx ON users (email);
