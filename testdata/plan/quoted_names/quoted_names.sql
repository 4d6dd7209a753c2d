CREATE INDEX "Orders By User" ON orders (user_id);
ALTER TABLE orders ADD CONSTRAINT "Orders User FK" FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders ADD CONSTRAINT "Orders Number Key" UNIQUE (number);
