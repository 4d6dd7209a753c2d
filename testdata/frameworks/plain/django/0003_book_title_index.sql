--
-- Concurrently create index library_book_title_idx on field(s) title of model book
--
CREATE INDEX CONCURRENTLY "library_book_title_idx" ON "library_book" ("title");
