-- CreateIndex (edited by hand: the only statement, so it runs outside a transaction)
CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");
