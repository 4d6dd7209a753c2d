-- Verify flipr:users on pg

SELECT nickname, email, created_at, active FROM flipr.users WHERE false;
