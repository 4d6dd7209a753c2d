--! Previous: sha1:22aadfa913d030dcaf4197f15630dde4bda4c115
--! Hash: sha1:73bb3f3c815103eb7f4ec42c1b9cb6167ff48e92
--! Message: users username index

--! no-transaction
create unique index concurrently users_username_key on app_public.users (username);
