-- atlas:txmode none

-- Create index "orders_customer_idx" to table: "orders"
CREATE INDEX CONCURRENTLY "orders_customer_idx" ON "orders" ("customer");
