-- Several podcasts in one store: a row per podcast instead of the one `podcast` row, every
-- episode belonging to one, and its identity (the guid) unique within its podcast only. Episodes
-- keep their ids, so the full-text rows (rowid = episode id), chapters, outbox, tags, topics and
-- related episodes stay theirs. The store's one podcast becomes podcast 1, named by its source
-- (podcast_name, the rule the config uses for a feed it does not name).
-- Runs with foreign keys off (store/database.py migrates before turning them on), so rebuilding
-- the episodes table cascades nothing. A migration that adds a column to episodes before this
-- one must add it here too.
CREATE TABLE podcasts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,           -- the config's name: what commands and guild settings use
    source TEXT,                         -- the feed it was last synced from
    title TEXT NOT NULL DEFAULT '',
    link TEXT,
    description TEXT,
    image_url TEXT,
    language TEXT,
    boilerplate_json TEXT,
    added_at TEXT NOT NULL
);
INSERT INTO podcasts (id, name, source, title, link, description, image_url, language, boilerplate_json, added_at)
SELECT 1, podcast_name(coalesce((SELECT value FROM store_meta WHERE key = 'feed_source'), '')),
       (SELECT value FROM store_meta WHERE key = 'feed_source'),
       title, link, description, image_url, language, boilerplate_json, strftime('%Y-%m-%dT%H:%M:%f+00:00')
FROM podcast;
INSERT INTO podcasts (id, name, source, added_at)
SELECT 1, podcast_name(coalesce((SELECT value FROM store_meta WHERE key = 'feed_source'), '')),
       (SELECT value FROM store_meta WHERE key = 'feed_source'), strftime('%Y-%m-%dT%H:%M:%f+00:00')
WHERE NOT EXISTS (SELECT 1 FROM podcasts) AND EXISTS (SELECT 1 FROM episodes);
DROP TABLE podcast;

CREATE TABLE episodes_by_podcast (
    id INTEGER PRIMARY KEY,
    podcast_id INTEGER NOT NULL REFERENCES podcasts (id),
    guid TEXT NOT NULL,
    number INTEGER,
    episode_type TEXT,
    title TEXT NOT NULL,
    title_is_derived INTEGER NOT NULL DEFAULT 0,
    published TEXT,
    duration_seconds INTEGER,
    link TEXT,
    audio_url TEXT,
    audio_key TEXT,
    description_html TEXT NOT NULL DEFAULT '',
    description_text TEXT NOT NULL DEFAULT '',
    links_json TEXT NOT NULL DEFAULT '[]',
    guests_json TEXT NOT NULL DEFAULT '[]',
    fingerprint_json TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    removed_at TEXT,
    announceable INTEGER NOT NULL DEFAULT 0,
    image_url TEXT,
    topics_inferred_at TEXT,
    related_due INTEGER NOT NULL DEFAULT 2,
    published_offset_minutes INTEGER,
    UNIQUE (podcast_id, guid)
);
INSERT INTO episodes_by_podcast (id, podcast_id, guid, number, episode_type, title, title_is_derived, published,
    duration_seconds, link, audio_url, audio_key, description_html, description_text, links_json, guests_json,
    fingerprint_json, first_seen, updated_at, removed_at, announceable, image_url, topics_inferred_at, related_due,
    published_offset_minutes)
SELECT id, 1, guid, number, episode_type, title, title_is_derived, published, duration_seconds, link, audio_url,
    audio_key, description_html, description_text, links_json, guests_json, fingerprint_json, first_seen,
    updated_at, removed_at, announceable, image_url, topics_inferred_at, related_due, published_offset_minutes
FROM episodes;
DROP TABLE episodes;
ALTER TABLE episodes_by_podcast RENAME TO episodes;
CREATE INDEX episodes_by_number ON episodes (number);
CREATE INDEX episodes_by_published ON episodes (published);
CREATE INDEX episodes_by_audio_key ON episodes (audio_key);
CREATE INDEX episodes_of_podcast ON episodes (podcast_id, removed_at);

-- A companion feed is one podcast's: its articles link only to that podcast's episodes.
ALTER TABLE articles ADD COLUMN podcast_id INTEGER REFERENCES podcasts (id);
UPDATE articles SET podcast_id = 1 WHERE EXISTS (SELECT 1 FROM podcasts WHERE id = 1);

-- Where a guild's announcements go: a route per (channel, podcast), podcast NULL for every
-- podcast. The single channel of before is one route for every podcast.
CREATE TABLE announce_routes (
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    podcast TEXT NOT NULL DEFAULT '',    -- a podcast's name; '' = every podcast
    role_id INTEGER,
    since TEXT NOT NULL,                 -- episodes first seen before are not announced here
    PRIMARY KEY (guild_id, channel_id, podcast)
) WITHOUT ROWID;
INSERT INTO announce_routes (guild_id, channel_id, podcast, role_id, since)
SELECT guild_id, announce_channel_id, '', announce_role_id, coalesce(announce_since, updated_at)
FROM guild_settings WHERE announce_channel_id IS NOT NULL;

-- The podcasts a guild sees (a JSON list of names); NULL = every podcast.
ALTER TABLE guild_settings ADD COLUMN podcasts_json TEXT;
