--liquibase formatted sql

--changeset carol:5 runInTransaction:false splitStatements:false
-- wrong: with splitStatements:false the changeset is one statement string,
-- and its two statements run as one implicit transaction block
ALTER TABLE tenants ADD COLUMN plan_since date;
CREATE INDEX CONCURRENTLY tenants_plan_since_idx ON tenants (plan_since);
--rollback DROP INDEX tenants_plan_since_idx;
--rollback ALTER TABLE tenants DROP COLUMN plan_since;

--changeset carol:6
-- wrong: Liquibase runs this changeset in a transaction
CREATE INDEX CONCURRENTLY tenants_plan_idx ON tenants (plan);
--rollback not required
