-- Billing: invoices.account_id has always pointed at accounts, but nothing
-- enforced it. The index on invoices.account_id already exists.
CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
    id bigserial PRIMARY KEY,
    account_id bigint NOT NULL,
    amount_cents integer NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_account_id_idx ON invoices (account_id);

INSERT INTO accounts (name, created_at)
SELECT 'account ' || g, timestamptz '2023-01-01 00:00+00' + g * interval '1 hour'
FROM generate_series(1, 3000) AS g;

INSERT INTO invoices (account_id, amount_cents, issued_at)
SELECT 1 + (g * 7919) % 3000, 500 + (g * 37) % 100000,
       timestamptz '2024-01-01 00:00+00' + g * interval '5 minutes'
FROM generate_series(1, 30000) AS g;
