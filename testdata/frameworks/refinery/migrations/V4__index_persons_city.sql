-- wrong: refinery runs every migration in a transaction, with no opt-out
CREATE INDEX CONCURRENTLY persons_city_idx ON persons (city);
