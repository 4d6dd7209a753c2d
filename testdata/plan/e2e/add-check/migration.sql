ALTER TABLE order_lines ADD CONSTRAINT order_lines_quantity_check CHECK (quantity > 0);
