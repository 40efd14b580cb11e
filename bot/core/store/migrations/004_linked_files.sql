-- Files a feed's items name (podcast:chapters JSON), remembered between syncs so that each is
-- downloaded once and revalidated with its validators, not fetched again on every sync.
CREATE TABLE linked_files (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body_sha256 TEXT,
    chapters_json TEXT,            -- the chapters read from it; NULL until a fetch succeeded
    fetched_at TEXT,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT
);

ALTER TABLE feed_state ADD COLUMN linked_pending INTEGER NOT NULL DEFAULT 0;

-- A podcast:chapters entry may link somewhere (its "url").
ALTER TABLE chapters ADD COLUMN url TEXT;

-- What podbot did about announcements on its own (resumed after a permission came back).
ALTER TABLE guild_settings ADD COLUMN announce_note TEXT;

-- What most episodes' notes repeat (bot/boilerplate.py), left out of replies.
ALTER TABLE podcast ADD COLUMN boilerplate_json TEXT;

-- An item's own artwork (itunes:image on the item).
ALTER TABLE episodes ADD COLUMN image_url TEXT;
