-- Verify flipr:users on pg

SELECT nickname, email, created_at FROM flipr.users WHERE false;
