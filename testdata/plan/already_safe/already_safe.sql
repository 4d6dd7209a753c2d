SET lock_timeout = '3s';
CREATE TABLE audit_log (id bigserial PRIMARY KEY, note text);
CREATE INDEX audit_log_note_idx ON audit_log (note);
