-- wrong: Atlas runs this file in a transaction (no -- atlas:txmode none)
CREATE INDEX CONCURRENTLY "orders_total_idx" ON "orders" ("total");
