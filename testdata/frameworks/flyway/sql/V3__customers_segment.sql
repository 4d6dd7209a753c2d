-- wrong: Flyway refuses to mix CREATE INDEX CONCURRENTLY with transactional
-- statements unless the migration says mixed=true
ALTER TABLE ${schema}.customers ADD COLUMN segment text;
CREATE INDEX CONCURRENTLY customers_segment_idx ON ${schema}.customers (segment);
