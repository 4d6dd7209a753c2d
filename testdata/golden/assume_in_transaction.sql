-- pgbelay: --assume-in-transaction
-- The migration runner wraps the file in a transaction; COMMIT ends it.
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
COMMIT;
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
