-- AlterTable
ALTER TABLE "Post" ADD COLUMN "subtitle" TEXT;

-- CreateIndex (wrong: with the statement above it runs in an implicit transaction block)
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");
