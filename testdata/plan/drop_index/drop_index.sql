DROP INDEX users_username_idx;
