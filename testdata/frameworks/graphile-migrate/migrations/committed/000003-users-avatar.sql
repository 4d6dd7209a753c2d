--! Previous: sha1:73bb3f3c815103eb7f4ec42c1b9cb6167ff48e92
--! Hash: sha1:028f5bbbd697ba196c392de05c765935d2a00f7a
--! Message: users avatar

--! no-transaction
-- wrong: graphile-migrate sends the file as one query string; a
-- no-transaction migration must hold exactly one statement
alter table app_public.users add column avatar_updated_at timestamptz;
create index concurrently users_avatar_updated_at_idx on app_public.users (avatar_updated_at);
