-- A failing statement without any keyword must not swallow the next one.
CREATE INDEX users_email_idx ON users (email);
SELEC 1;
CREATE INDEX users_created_at_idx ON users (created_at);
