-- no-transaction
-- wrong: sqlx sends the file as one query string, so these statements share
-- an implicit transaction block
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY widgets_color_idx ON widgets (color);
