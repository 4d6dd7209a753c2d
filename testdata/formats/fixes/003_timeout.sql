  ALTER TABLE users ADD CONSTRAINT users_id_check CHECK (id > 0) NOT VALID;
