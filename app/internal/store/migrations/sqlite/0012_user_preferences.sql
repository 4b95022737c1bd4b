-- 0012_user_preferences: each user's admin preferences (Payload's
-- payload-preferences), such as the theme; see auth.PreferenceStore.
CREATE TABLE users_preferences (
    user_id    BIGINT NOT NULL,
    name       TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);
