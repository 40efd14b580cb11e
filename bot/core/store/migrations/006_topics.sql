-- Companion articles (a blog's feed of posts), what links them to episodes and why, and every
-- episode's topics with where each came from (bot/core/topics/labels.py).

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,                -- the companion feed's address
    companion TEXT NOT NULL,             -- its configured name
    key TEXT NOT NULL,                   -- the post's guid, else its address
    title TEXT,
    url TEXT,                            -- NULL when the post has no usable address: never a link
    url_key TEXT,                        -- urls.url_key(url), what notes links are compared by
    published TEXT,
    summary TEXT NOT NULL DEFAULT '',
    tags_json TEXT NOT NULL DEFAULT '[]',
    links_json TEXT NOT NULL DEFAULT '[]',
    first_seen TEXT NOT NULL,
    UNIQUE (source, key)
);
CREATE INDEX articles_by_url_key ON articles (url_key);

-- Every web address of an episode, compared as urls.url_key: its own page (own = 1) and the
-- links in its notes.
CREATE TABLE episode_urls (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    url_key TEXT NOT NULL,
    own INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (episode_id, url_key)
) WITHOUT ROWID;
CREATE INDEX episode_urls_by_key ON episode_urls (url_key);
INSERT OR IGNORE INTO episode_urls (episode_id, url_key, own)
SELECT id, url_key(link), 1 FROM episodes WHERE url_key(link) IS NOT NULL;
INSERT OR IGNORE INTO episode_urls (episode_id, url_key, own)
SELECT e.id, url_key(json_extract(j.value, '$.url')), 0 FROM episodes e, json_each(e.links_json) j
WHERE url_key(json_extract(j.value, '$.url')) IS NOT NULL;

-- reason: notes-link | article-link | title-and-date (models.LINK_REASONS)
CREATE TABLE episode_articles (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    PRIMARY KEY (episode_id, article_id)
) WITHOUT ROWID;

-- source: article | feed | url | inferred; weight: how similar an inferred episode is (else 1).
CREATE TABLE episode_topics (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    source TEXT NOT NULL,
    weight REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (episode_id, topic, source)
) WITHOUT ROWID;
CREATE INDEX episode_topics_by_topic ON episode_topics (topic, source);

-- Set when an episode's inferred topics were computed; a write clears it.
ALTER TABLE episodes ADD COLUMN topics_inferred_at TEXT;

-- Words inside web addresses are not the notes' words: "/security/" in a link is no mention.
UPDATE episodes_fts SET description = without_urls(description);
DELETE FROM search_terms;
INSERT INTO search_terms
SELECT term, substr(term, 1, 1), length(term), (SELECT doc FROM episodes_fts_terms r WHERE r.term = c.term),
       sum(CASE col WHEN 'title' THEN doc ELSE 0 END), sum(CASE col WHEN 'guests' THEN doc ELSE 0 END),
       sum(CASE col WHEN 'chapters' THEN doc ELSE 0 END), sum(CASE col WHEN 'description' THEN doc ELSE 0 END)
FROM episodes_fts_columns c GROUP BY term;
