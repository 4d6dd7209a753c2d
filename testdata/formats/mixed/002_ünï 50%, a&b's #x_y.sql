-- café: non-ASCII text before a finding on the same line
SELECT 'é😀'; CREATE INDEX "idx, 50%: <b>&'x' |*_`$:x: ]]>" ON users (email);
CREATE INDEX
  "name
idx" ON users (name);
BEGIN;
CREATE INDEX CONCURRENTLY name_c_idx ON users (name);
COMMIT;
