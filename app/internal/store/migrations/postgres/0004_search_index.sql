-- chronos:no-transaction
-- chronos:requires-extension pg_trgm
-- 0004_search_index: trigram indexes so that `like` and `contains` on the
-- text columns the API and the admin search (title, slug, alt, filename,
-- email, name) use an index instead of scanning the table. The renderer
-- matches LOWER(column) LIKE '%word%', which is the indexed expression.
--
-- CONCURRENTLY builds each index without blocking writes, so this runs on a
-- live database; it cannot run in a transaction, hence no-transaction (the
-- runner holds a session advisory lock instead and lifts the statement
-- timeout for the build). A build that failed halfway leaves an INVALID
-- index behind, which the DROP before each CREATE clears on the next run.
--
-- Without pg_trgm (some managed databases do not offer it) the runner logs
-- a warning, records this migration and skips it: searches scan as before
-- and return the same results. Once the extension is available, run
-- `CREATE EXTENSION pg_trgm;` and the statements below by hand (README,
-- "Search indexes").
DROP INDEX CONCURRENTLY IF EXISTS pages_title_trgm_idx;
CREATE INDEX CONCURRENTLY pages_title_trgm_idx ON pages USING gin (lower(title) gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS pages_slug_trgm_idx;
CREATE INDEX CONCURRENTLY pages_slug_trgm_idx ON pages USING gin (lower(slug) gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS media_alt_trgm_idx;
CREATE INDEX CONCURRENTLY media_alt_trgm_idx ON media USING gin (lower(alt) gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS media_filename_trgm_idx;
CREATE INDEX CONCURRENTLY media_filename_trgm_idx ON media USING gin (lower(filename) gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS users_email_trgm_idx;
CREATE INDEX CONCURRENTLY users_email_trgm_idx ON users USING gin (lower(email) gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS users_name_trgm_idx;
CREATE INDEX CONCURRENTLY users_name_trgm_idx ON users USING gin (lower(name) gin_trgm_ops);
