-- accounts.id is a serial (integer) primary key that will run out; the
-- foreign key transfers.account_id must follow it to bigint.
CREATE TABLE accounts (
    id serial PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE transfers (
    id bigserial PRIMARY KEY,
    account_id integer NOT NULL REFERENCES accounts (id),
    amount_cents integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transfers_account_id_idx ON transfers (account_id);

INSERT INTO accounts (name, created_at)
SELECT 'account ' || g, timestamptz '2023-01-01 00:00+00' + g * interval '1 hour'
FROM generate_series(1, 10000) AS g;

INSERT INTO transfers (account_id, amount_cents, created_at)
SELECT 1 + (g * 7919) % 10000, (g * 37) % 100000 - 50000,
       timestamptz '2024-01-01 00:00+00' + g * interval '1 minute'
FROM generate_series(1, 20000) AS g;
