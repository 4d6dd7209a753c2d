-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION accounts_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_touch();

-- +goose Down
DROP TRIGGER accounts_touch ON accounts;
DROP FUNCTION accounts_touch();
