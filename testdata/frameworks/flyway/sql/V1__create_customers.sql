CREATE TABLE ${schema}.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL
);

GRANT SELECT ON ${schema}.customers TO ${reader_role};
