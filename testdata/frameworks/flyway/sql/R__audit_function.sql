CREATE OR REPLACE FUNCTION ${schema}.audit_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'changed %', TG_TABLE_NAME;
    RETURN NEW;
END;
$$;
