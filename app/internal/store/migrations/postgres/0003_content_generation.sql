-- 0003_content_generation: a counter bumped in the transaction of every
-- content write. CMS processes compare it with the generation of their
-- cached anonymous responses, so a write in one process invalidates the
-- caches of all of them.
CREATE TABLE content_generation (
    id INTEGER PRIMARY KEY,
    n  BIGINT  NOT NULL
);
INSERT INTO content_generation (id, n) VALUES (1, 0);
