-- Deploy flipr:users_email_idx to pg
-- requires: users
-- no BEGIN/COMMIT: CREATE INDEX CONCURRENTLY cannot run in a transaction block

CREATE INDEX CONCURRENTLY users_email_idx ON flipr.users (email);
