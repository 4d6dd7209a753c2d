SET lock_timeout = '5s';
CREATE TABLE organizations (id text PRIMARY KEY, cloud_config jsonb);
INSERT INTO organizations SELECT 'o' || id, cloud_config FROM projects;
ALTER TABLE projects DROP COLUMN cloud_config;
