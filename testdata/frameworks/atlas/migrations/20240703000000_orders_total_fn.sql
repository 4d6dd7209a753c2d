-- atlas:delimiter -- end

CREATE FUNCTION "orders_total_positive"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.total < 0 THEN
    RAISE EXCEPTION 'negative total';
  END IF;
  RETURN NEW;
END;
$$
-- end
CREATE TRIGGER "orders_total_positive" BEFORE INSERT ON "orders"
  FOR EACH ROW EXECUTE FUNCTION "orders_total_positive"()
-- end
