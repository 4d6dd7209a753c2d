-- the type was created by the previous migration, not in this transaction
BEGIN;
ALTER TYPE mood ADD VALUE 'happy';
COMMIT;
