--liquibase formatted sql

--changeset alice:1
--comment: the tenants table
CREATE TABLE tenants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
GRANT SELECT ON tenants TO ${reader_role};
--rollback DROP TABLE tenants;

--changeset alice:2 runInTransaction:false
CREATE INDEX CONCURRENTLY tenants_name_idx ON tenants (name);
--rollback DROP INDEX CONCURRENTLY tenants_name_idx;

--changeset bob:3
ALTER TABLE tenants ADD COLUMN plan text;
--rollback ALTER TABLE tenants
--rollback     DROP COLUMN plan;

--changeset bob:4 splitStatements:false
CREATE FUNCTION tenants_plan_default() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.plan := coalesce(NEW.plan, 'free');
    RETURN NEW;
END;
$$;
/* liquibase rollback
DROP FUNCTION tenants_plan_default();
*/
