-- Revert flipr:users_email_idx from pg

DROP INDEX CONCURRENTLY flipr.users_email_idx;
