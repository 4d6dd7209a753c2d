--! Previous: -
--! Hash: sha1:22aadfa913d030dcaf4197f15630dde4bda4c115

create schema app_public;
grant usage on schema app_public to :DATABASE_VISITOR;

create table app_public.users (
  id int primary key generated always as identity,
  username text not null,
  avatar_url text
);
grant select on app_public.users to :DATABASE_VISITOR;
