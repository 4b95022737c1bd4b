-- 0002_media_files: one row per stored object of a media document (the
-- original, each size, each WebP variant). The filename is the object key
-- below the store prefix and the primary key, so claiming a name is one
-- INSERT. media_id is NULL while an upload is in flight (a reservation);
-- `cms media gc` removes reservations older than a day and their objects.
CREATE TABLE media_files (
    filename     TEXT PRIMARY KEY,
    media_id     BIGINT REFERENCES media (id) ON DELETE CASCADE,
    size_name    TEXT        NOT NULL DEFAULT '',
    content_type TEXT        NOT NULL DEFAULT '',
    filesize     BIGINT      NOT NULL DEFAULT 0,
    created_at   TEXT        NOT NULL
);
CREATE INDEX media_files_media_idx ON media_files (media_id);
CREATE INDEX media_files_pending_idx ON media_files (created_at) WHERE media_id IS NULL;
