-- The schema the plan cases start from (given with --schema), written the
-- way pg_dump --schema-only prints it.
CREATE TABLE public.users (
    id bigint NOT NULL,
    username character varying(100) NOT NULL,
    email text,
    score bigint,
    plan text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE SEQUENCE public.users_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;
ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);
ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
CREATE INDEX users_username_idx ON public.users USING btree (username);

CREATE TABLE public.accounts (
    id integer NOT NULL,
    name text NOT NULL
);
ALTER TABLE ONLY public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

CREATE TABLE public.invoices (
    id integer NOT NULL,
    account_id integer,
    total numeric(12,2),
    note character varying(200)
);
ALTER TABLE ONLY public.invoices ADD CONSTRAINT invoices_pkey PRIMARY KEY (id);

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    message text
);
