-- The tags, keywords and categories a feed gives each item, as the publisher wrote them. The
-- episodes' 'feed' topics are derived from them after each sync (store/reading.py): a tag on a
-- large share of the show's episodes is the show's, not a topic, and spellings of one topic
-- (Database, databases) are one.
CREATE TABLE episode_tags (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (episode_id, tag)
) WITHOUT ROWID;
INSERT OR IGNORE INTO episode_tags (episode_id, tag)
SELECT episode_id, topic FROM episode_topics WHERE source = 'feed';

-- How each topic is shown: the publisher's most common spelling ("ZFS", "Red Hat").
CREATE TABLE topic_labels (
    topic TEXT PRIMARY KEY,
    label TEXT NOT NULL
) WITHOUT ROWID;

-- Other spellings of a topic its feed tags ("databases" for database), by the stems of their words.
CREATE TABLE topic_spellings (
    spelling TEXT PRIMARY KEY,
    topic TEXT NOT NULL
) WITHOUT ROWID;

-- Each episode's related episodes, computed when a sync changes the catalogue and read by replies.
CREATE TABLE episode_related (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    other_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (episode_id, position)
) WITHOUT ROWID;
-- 2: written since its related episodes were computed (compute them, and those of the episodes it
-- is like); 1: an episode like it changed (compute them again); 0: current.
ALTER TABLE episodes ADD COLUMN related_due INTEGER NOT NULL DEFAULT 2;
UPDATE store_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
