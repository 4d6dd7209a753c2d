CREATE INDEX skipped_idx ON skipped (x);
