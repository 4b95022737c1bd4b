-- 0006_one_latest_version: at most one latest version per document. Saves
-- lock the document's row before touching its versions; this index makes a
-- second latest version impossible rather than merely unlikely. Earlier
-- concurrent saves may have left several: keep the newest.
UPDATE pages_versions SET latest = 0
WHERE latest = 1 AND id NOT IN (SELECT max(id) FROM pages_versions WHERE latest = 1 GROUP BY parent_id);
CREATE UNIQUE INDEX pages_versions_one_latest ON pages_versions (parent_id) WHERE latest = 1;
