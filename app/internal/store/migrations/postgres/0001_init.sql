-- 0001_init: collections, versions, auth tables, scheduled jobs.
CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    email          TEXT        NOT NULL,
    name           TEXT,
    data           JSONB       NOT NULL DEFAULT '{}',
    hash           TEXT        NOT NULL DEFAULT '',
    salt           TEXT        NOT NULL DEFAULT '',
    login_attempts INTEGER     NOT NULL DEFAULT 0,
    lock_until     TIMESTAMPTZ
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_name_idx ON users (name);
CREATE INDEX users_created_at_idx ON users (created_at);

CREATE TABLE users_sessions (
    id         TEXT PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_sessions_user_idx ON users_sessions (user_id);

CREATE TABLE users_api_keys (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL DEFAULT '',
    key_hash     TEXT        NOT NULL,
    hint         TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX users_api_keys_hash_key ON users_api_keys (key_hash);
CREATE INDEX users_api_keys_user_idx ON users_api_keys (user_id);

CREATE TABLE users_password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_password_resets_user_idx ON users_password_resets (user_id);

CREATE TABLE media (
    id         BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    alt        TEXT,
    filename   TEXT,
    mime_type  TEXT,
    filesize   BIGINT,
    data       JSONB       NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX media_filename_key ON media (filename);
CREATE INDEX media_created_at_idx ON media (created_at);
CREATE INDEX media_alt_idx ON media (alt);
CREATE INDEX media_mime_type_idx ON media (mime_type);
CREATE INDEX media_filesize_idx ON media (filesize);

CREATE TABLE pages (
    id           BIGSERIAL PRIMARY KEY,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    status       TEXT        NOT NULL DEFAULT 'draft',
    title        TEXT,
    slug         TEXT,
    published_at TIMESTAMPTZ,
    data         JSONB       NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX pages_slug_key ON pages (slug);
CREATE INDEX pages_created_at_idx ON pages (created_at);
CREATE INDEX pages_updated_at_idx ON pages (updated_at);
CREATE INDEX pages_published_at_idx ON pages (published_at);
CREATE INDEX pages_title_idx ON pages (title);
CREATE INDEX pages_status_idx ON pages (status);

CREATE TABLE pages_versions (
    id         BIGSERIAL PRIMARY KEY,
    parent_id  BIGINT      NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    status     TEXT        NOT NULL DEFAULT 'draft',
    latest     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    data       JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX pages_versions_parent_idx ON pages_versions (parent_id, id);
CREATE INDEX pages_versions_latest_idx ON pages_versions (parent_id) WHERE latest;
CREATE INDEX pages_versions_created_at_idx ON pages_versions (created_at);
CREATE INDEX pages_versions_updated_at_idx ON pages_versions (updated_at);

CREATE TABLE scheduled_jobs (
    id         BIGSERIAL PRIMARY KEY,
    collection TEXT        NOT NULL,
    doc_id     BIGINT      NOT NULL,
    action     TEXT        NOT NULL,
    run_at     TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    done_at    TIMESTAMPTZ,
    error      TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX scheduled_jobs_due_idx ON scheduled_jobs (run_at) WHERE done_at IS NULL;
