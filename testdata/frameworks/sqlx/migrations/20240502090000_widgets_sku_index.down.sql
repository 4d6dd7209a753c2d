-- no-transaction
DROP INDEX CONCURRENTLY widgets_sku_key;
