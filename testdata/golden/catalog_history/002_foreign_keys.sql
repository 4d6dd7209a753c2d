-- org_id leads the primary key from 001: no foreign-key-without-index.
-- user_id is its second column: a look-up by user_id cannot use it.
SET lock_timeout = '5s';
ALTER TABLE memberships ADD CONSTRAINT memberships_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;
ALTER TABLE memberships ADD CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
