{{ template "shared/touch_updated_at.sql" . }}

CREATE TRIGGER people_touch BEFORE UPDATE ON {{.prefix}}people
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

---- create above / drop below ----

DROP TRIGGER people_touch ON {{.prefix}}people;
DROP FUNCTION touch_updated_at();
