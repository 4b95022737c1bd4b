-- chronos:no-transaction
-- 0006_one_latest_version: at most one latest version per document. Saves
-- lock the document's row before touching its versions; this index makes a
-- second latest version impossible rather than merely unlikely. Earlier
-- concurrent saves may have left several: keep the newest. The index is
-- built CONCURRENTLY (see 0004); should an old process create a duplicate
-- between the UPDATE and the build, the build fails and the next run
-- repeats both.
UPDATE pages_versions SET latest = false
WHERE latest AND id NOT IN (SELECT max(id) FROM pages_versions WHERE latest GROUP BY parent_id);
DROP INDEX CONCURRENTLY IF EXISTS pages_versions_one_latest;
CREATE UNIQUE INDEX CONCURRENTLY pages_versions_one_latest ON pages_versions (parent_id) WHERE latest;
