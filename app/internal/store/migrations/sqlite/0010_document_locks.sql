-- 0010_document_locks: editors' holds on documents in the admin (Payload's
-- payload-locked-documents; see content/locks.go). A lock older than
-- content.LockDuration is free; rows are few and short-lived.
CREATE TABLE document_locks (
    entity     TEXT   NOT NULL,
    doc_id     BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    user_label TEXT   NOT NULL DEFAULT '',
    updated_at TEXT   NOT NULL,
    PRIMARY KEY (entity, doc_id)
);
