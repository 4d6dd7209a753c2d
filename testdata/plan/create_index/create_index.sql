-- CREATE INDEX on a table with traffic
CREATE INDEX users_email_idx ON users (email);
