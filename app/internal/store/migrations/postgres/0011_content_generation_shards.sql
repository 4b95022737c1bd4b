-- 0011_content_generation_shards: the content generation becomes the sum of
-- 16 counters. Every write transaction bumped the one row of 0003 as its
-- last statement, so concurrent writers queued on that row's lock until the
-- holder committed; each now bumps one of 16 rows picked at random, and
-- readers compare the sum, which still grows by one at each commit.
-- A process of an older version reads row 1 only: while both versions
-- serve (a rolling deploy), its cached responses can miss a write made by
-- the new version until a write bumps row 1 (restart it, or set
-- CMS_CACHE_BYTES=0 during the roll-out).
INSERT INTO content_generation (id, n) VALUES
    (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0),
    (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 0), (16, 0);
