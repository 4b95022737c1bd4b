-- 0013_row_counts: exact row counts without counting. totalDocs (Payload's
-- is exact) and /count were a count(*) over every matching row, which at
-- 100,000 pages is the slowest part of a list. row_counts holds, per table,
-- status ('' for tables without drafts) and shard, a number of rows; the
-- sum over the shards is the exact count, kept by the triggers below in the
-- writing transaction (so every snapshot sees a sum that matches its rows).
-- The store reads it whenever the where clause is empty or only asks for
-- one status, which is every anonymous list of a drafts-enabled collection.
-- row_counted names the tables that have the triggers; any other table is
-- counted with count(*) as before.
--
-- Each session adds to the shard of its backend (pg_backend_pid() % 16), so
-- concurrent creates rarely wait on one row's lock until the other commits
-- (a shard may go negative; only the sum means anything). Inserts and
-- deletes are counted once per statement from its transition table (a bulk
-- insert is one upsert); a status change once per row that changed it.
-- CREATE TRIGGER locks each table against writes until this migration
-- commits, so the initial counts cannot miss a concurrent write; counting
-- is an index-only scan, a short pause.
CREATE TABLE row_counts (
    tbl    TEXT    NOT NULL,
    status TEXT    NOT NULL,
    shard  INTEGER NOT NULL,
    n      BIGINT  NOT NULL,
    PRIMARY KEY (tbl, status, shard)
);
CREATE TABLE row_counted (tbl TEXT PRIMARY KEY);

-- chronos_count_rows(status_column): TG_ARGV[0] is 'status' on a
-- drafts-enabled table, '' on the others.
CREATE FUNCTION chronos_count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s integer := pg_backend_pid() % 16;
BEGIN
    IF TG_OP = 'INSERT' AND TG_ARGV[0] = 'status' THEN
        INSERT INTO row_counts AS c (tbl, status, shard, n)
            SELECT TG_TABLE_NAME, r.status, s, count(*) FROM new_rows r GROUP BY r.status ORDER BY r.status
            ON CONFLICT (tbl, status, shard) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (tbl, status, shard, n)
            SELECT TG_TABLE_NAME, '', s, count(*) FROM new_rows HAVING count(*) > 0
            ON CONFLICT (tbl, status, shard) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' AND TG_ARGV[0] = 'status' THEN
        INSERT INTO row_counts AS c (tbl, status, shard, n)
            SELECT TG_TABLE_NAME, r.status, s, -count(*) FROM old_rows r GROUP BY r.status ORDER BY r.status
            ON CONFLICT (tbl, status, shard) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (tbl, status, shard, n)
            SELECT TG_TABLE_NAME, '', s, -count(*) FROM old_rows HAVING count(*) > 0
            ON CONFLICT (tbl, status, shard) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO row_counts AS c (tbl, status, shard, n)
            SELECT TG_TABLE_NAME, st, s, d FROM (VALUES (OLD.status, -1), (NEW.status, 1)) AS v(st, d) ORDER BY st
            ON CONFLICT (tbl, status, shard) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER pages_count_insert AFTER INSERT ON pages REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION chronos_count_rows('status');
CREATE TRIGGER pages_count_delete AFTER DELETE ON pages REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION chronos_count_rows('status');
CREATE TRIGGER pages_count_status AFTER UPDATE OF status ON pages
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION chronos_count_rows('status');
INSERT INTO row_counts (tbl, status, shard, n) SELECT 'pages', status, 0, count(*) FROM pages GROUP BY status;
INSERT INTO row_counted (tbl) VALUES ('pages');

CREATE TRIGGER media_count_insert AFTER INSERT ON media REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION chronos_count_rows('');
CREATE TRIGGER media_count_delete AFTER DELETE ON media REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION chronos_count_rows('');
INSERT INTO row_counts (tbl, status, shard, n) SELECT 'media', '', 0, count(*) FROM media;
INSERT INTO row_counted (tbl) VALUES ('media');

CREATE TRIGGER users_count_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION chronos_count_rows('');
CREATE TRIGGER users_count_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION chronos_count_rows('');
INSERT INTO row_counts (tbl, status, shard, n) SELECT 'users', '', 0, count(*) FROM users;
INSERT INTO row_counted (tbl) VALUES ('users');
