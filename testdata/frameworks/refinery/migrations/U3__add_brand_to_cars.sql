SET lock_timeout = '5s';
ALTER TABLE cars ADD COLUMN brand varchar(255);
