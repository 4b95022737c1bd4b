-- 0013_row_counts: exact row counts without counting. totalDocs (Payload's
-- is exact) and /count were a count(*) over every matching row, which at
-- 100,000 pages is the slowest part of a list. row_counts holds, per table
-- and status ('' for tables without drafts), how many rows there are; the
-- triggers below keep it exact in the writing transaction, and the store
-- reads it (a sum of a few rows) whenever the where clause is empty or only
-- asks for one status, which is every anonymous list of a drafts-enabled
-- collection. row_counted names the tables that have the triggers; any
-- other table is counted with count(*) as before. SQLite has one writer, so
-- one row per (table, status) (shard 0); PostgreSQL spreads writers over
-- shards.
CREATE TABLE row_counts (
    tbl    TEXT    NOT NULL,
    status TEXT    NOT NULL,
    shard  INTEGER NOT NULL,
    n      BIGINT  NOT NULL,
    PRIMARY KEY (tbl, status, shard)
);
CREATE TABLE row_counted (tbl TEXT PRIMARY KEY);

INSERT INTO row_counts (tbl, status, shard, n) SELECT 'pages', status, 0, count(*) FROM pages GROUP BY status;
INSERT INTO row_counted (tbl) VALUES ('pages');
CREATE TRIGGER pages_count_insert AFTER INSERT ON pages BEGIN
    INSERT INTO row_counts (tbl, status, shard, n) VALUES ('pages', new.status, 0, 1) ON CONFLICT (tbl, status, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pages_count_delete AFTER DELETE ON pages BEGIN
    UPDATE row_counts SET n = n - 1 WHERE tbl = 'pages' AND status = old.status AND shard = 0;
END;
CREATE TRIGGER pages_count_status AFTER UPDATE OF status ON pages WHEN old.status IS NOT new.status BEGIN
    UPDATE row_counts SET n = n - 1 WHERE tbl = 'pages' AND status = old.status AND shard = 0;
    INSERT INTO row_counts (tbl, status, shard, n) VALUES ('pages', new.status, 0, 1) ON CONFLICT (tbl, status, shard) DO UPDATE SET n = n + 1;
END;

INSERT INTO row_counts (tbl, status, shard, n) SELECT 'media', '', 0, count(*) FROM media;
INSERT INTO row_counted (tbl) VALUES ('media');
CREATE TRIGGER media_count_insert AFTER INSERT ON media BEGIN
    UPDATE row_counts SET n = n + 1 WHERE tbl = 'media' AND status = '' AND shard = 0;
END;
CREATE TRIGGER media_count_delete AFTER DELETE ON media BEGIN
    UPDATE row_counts SET n = n - 1 WHERE tbl = 'media' AND status = '' AND shard = 0;
END;

INSERT INTO row_counts (tbl, status, shard, n) SELECT 'users', '', 0, count(*) FROM users;
INSERT INTO row_counted (tbl) VALUES ('users');
CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
    UPDATE row_counts SET n = n + 1 WHERE tbl = 'users' AND status = '' AND shard = 0;
END;
CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
    UPDATE row_counts SET n = n - 1 WHERE tbl = 'users' AND status = '' AND shard = 0;
END;
