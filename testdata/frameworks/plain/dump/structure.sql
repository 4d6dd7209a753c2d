--
-- PostgreSQL database dump
--

\restrict 5rNrVbYJ6LJcQ1xkGUk5VJqxsUr0wSeTdcWAk0YXIbBsSWvLdsB5Z0Sc3dxmEhL

-- Dumped from database version 17.6
-- Dumped by pg_dump version 17.6

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.schema_migrations (
    version character varying NOT NULL
);

COPY public.schema_migrations (version) FROM stdin;
20240101120000
20240102120000
\.

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- PostgreSQL database dump complete
--

\unrestrict 5rNrVbYJ6LJcQ1xkGUk5VJqxsUr0wSeTdcWAk0YXIbBsSWvLdsB5Z0Sc3dxmEhL
