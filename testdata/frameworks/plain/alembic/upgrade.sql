BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 1a2b3c4d5e6f

CREATE TABLE account (
    id SERIAL NOT NULL, 
    email VARCHAR(255) NOT NULL, 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('1a2b3c4d5e6f') RETURNING alembic_version.version_num;

-- Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a

COMMIT;

CREATE INDEX CONCURRENTLY ix_account_email ON account (email);

BEGIN;

UPDATE alembic_version SET version_num='2b3c4d5e6f7a' WHERE alembic_version.version_num = '1a2b3c4d5e6f';

-- Running upgrade 2b3c4d5e6f7a -> 3c4d5e6f7a8b

CREATE INDEX CONCURRENTLY ix_account_id_email ON account (id, email);

UPDATE alembic_version SET version_num='3c4d5e6f7a8b' WHERE alembic_version.version_num = '2b3c4d5e6f7a';

COMMIT;
