-- Order lines: quantity has always been positive in practice; now the
-- database should say so.
CREATE TABLE order_lines (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL,
    sku text NOT NULL,
    quantity integer NOT NULL,
    unit_price_cents integer NOT NULL
);
CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);

INSERT INTO order_lines (order_id, sku, quantity, unit_price_cents)
SELECT 1 + g / 3, 'SKU-' || (g * 13) % 900, 1 + g % 7, 100 + (g * 17) % 9000
FROM generate_series(1, 40000) AS g;
