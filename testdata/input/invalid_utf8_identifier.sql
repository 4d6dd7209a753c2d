ALTER TABLE users ADD COLUMN straﬂe text;
CREATE INDEX users_straﬂe_idx ON users (straﬂe);
