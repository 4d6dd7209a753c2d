-- no-transaction
CREATE UNIQUE INDEX CONCURRENTLY widgets_sku_key ON widgets (sku);
