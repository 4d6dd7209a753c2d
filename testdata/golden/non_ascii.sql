-- Kundendaten: Größe, café, 東京 and 🚀 before findings on the same line.
CREATE TABLE "Bücher" (id bigint PRIMARY KEY, "Titel" text);
/* ü🚀 */	CREATE INDEX "kunden_straße_idx" ON kunden ("straße"); /* café */ CREATE INDEX orders_note_idx ON orders (note); -- ☕
