-- 0004_search_index: trigram full-text tables so that `like` and
-- `contains` on the text columns the API and the admin search (title, slug,
-- alt, filename, email, name) find candidate rows through an index instead
-- of scanning the table. Each <table>_search holds, per row (rowid = id),
-- the columns folded by chronos_lower — the same folding the LIKE uses — in
-- an FTS5 trigram index (case_sensitive 1: the text is already folded), so
-- a phrase query for a folded word of three or more characters matches
-- exactly the rows whose column contains it. The renderer ANDs that
-- candidate set with the unchanged LIKE, so results cannot differ from the
-- scan. Triggers keep it in step with every write.

CREATE VIRTUAL TABLE pages_search USING fts5(title, slug, tokenize = 'trigram case_sensitive 1');
INSERT INTO pages_search (rowid, title, slug) SELECT id, chronos_lower(title), chronos_lower(slug) FROM pages;
CREATE TRIGGER pages_search_insert AFTER INSERT ON pages BEGIN
    INSERT INTO pages_search (rowid, title, slug) VALUES (new.id, chronos_lower(new.title), chronos_lower(new.slug));
END;
CREATE TRIGGER pages_search_update AFTER UPDATE OF title, slug ON pages BEGIN
    UPDATE pages_search SET title = chronos_lower(new.title), slug = chronos_lower(new.slug) WHERE rowid = new.id;
END;
CREATE TRIGGER pages_search_delete AFTER DELETE ON pages BEGIN
    DELETE FROM pages_search WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE media_search USING fts5(alt, filename, tokenize = 'trigram case_sensitive 1');
INSERT INTO media_search (rowid, alt, filename) SELECT id, chronos_lower(alt), chronos_lower(filename) FROM media;
CREATE TRIGGER media_search_insert AFTER INSERT ON media BEGIN
    INSERT INTO media_search (rowid, alt, filename) VALUES (new.id, chronos_lower(new.alt), chronos_lower(new.filename));
END;
CREATE TRIGGER media_search_update AFTER UPDATE OF alt, filename ON media BEGIN
    UPDATE media_search SET alt = chronos_lower(new.alt), filename = chronos_lower(new.filename) WHERE rowid = new.id;
END;
CREATE TRIGGER media_search_delete AFTER DELETE ON media BEGIN
    DELETE FROM media_search WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE users_search USING fts5(email, name, tokenize = 'trigram case_sensitive 1');
INSERT INTO users_search (rowid, email, name) SELECT id, chronos_lower(email), chronos_lower(name) FROM users;
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, email, name) VALUES (new.id, chronos_lower(new.email), chronos_lower(new.name));
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF email, name ON users BEGIN
    UPDATE users_search SET email = chronos_lower(new.email), name = chronos_lower(new.name) WHERE rowid = new.id;
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search WHERE rowid = old.id;
END;
