-- Episodes, their chapters, the full-text index over them, and the state of each feed source.
CREATE TABLE podcast (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    title TEXT NOT NULL,
    link TEXT,
    description TEXT,
    image_url TEXT,
    language TEXT
);

CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    number INTEGER,
    episode_type TEXT,
    title TEXT NOT NULL,
    title_is_derived INTEGER NOT NULL DEFAULT 0,
    published TEXT,                      -- ISO 8601, UTC
    duration_seconds INTEGER,
    link TEXT,
    audio_url TEXT,
    audio_key TEXT,                      -- audio URL without query string, for reconciling GUID changes
    description_html TEXT NOT NULL DEFAULT '',
    description_text TEXT NOT NULL DEFAULT '',
    links_json TEXT NOT NULL DEFAULT '[]',
    guests_json TEXT NOT NULL DEFAULT '[]',
    fingerprint_json TEXT NOT NULL,      -- a hash per field group, to tell what changed
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    removed_at TEXT                      -- set when the item left the feed; kept, never deleted
);
CREATE INDEX episodes_by_number ON episodes (number);
CREATE INDEX episodes_by_published ON episodes (published);
CREATE INDEX episodes_by_audio_key ON episodes (audio_key);

CREATE TABLE chapters (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start_seconds INTEGER NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (episode_id, position)
) WITHOUT ROWID;

-- rowid = episodes.id; only episodes still in the feed are indexed.
CREATE VIRTUAL TABLE episodes_fts USING fts5 (
    title, guests, chapters, description,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE episodes_fts_terms USING fts5vocab (episodes_fts, 'row');

CREATE TABLE feed_state (
    source TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body_sha256 TEXT,
    last_attempt TEXT,
    last_success TEXT,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
