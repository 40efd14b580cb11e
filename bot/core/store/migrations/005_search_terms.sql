-- Search reads its index straight from SQLite (bot/core/search/index.py) instead of building one in
-- memory from every episode, so a process answers its first query without reading the catalogue.

-- A title made up from the notes is not a title match: its words are found in the notes.
UPDATE episodes_fts SET title = '' WHERE rowid IN (SELECT id FROM episodes WHERE title_is_derived = 1);

-- Per term and column, how many episodes have it (counted on demand by reading the term's
-- whole doclist, so only syncs ask it, for the terms they changed).
CREATE VIRTUAL TABLE episodes_fts_columns USING fts5vocab (episodes_fts, 'col');

-- Every indexed term with how many episodes have it, overall and per field, as of the last sync:
-- what a query reads to weigh its words, complete a prefix and find which fields to search.
-- By shape (first letter, length) for typo expansion: a typo keeps its first letter and about
-- its length, so the candidates for a misspelt word are a few rows, most common first.
CREATE TABLE search_terms (
    term TEXT PRIMARY KEY,
    first TEXT NOT NULL,
    length INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    in_title INTEGER NOT NULL,
    in_guests INTEGER NOT NULL,
    in_chapters INTEGER NOT NULL,
    in_notes INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX search_terms_by_shape ON search_terms (first, length, documents DESC);
INSERT INTO search_terms
SELECT term, substr(term, 1, 1), length(term), (SELECT doc FROM episodes_fts_terms r WHERE r.term = c.term),
       sum(CASE col WHEN 'title' THEN doc ELSE 0 END), sum(CASE col WHEN 'guests' THEN doc ELSE 0 END),
       sum(CASE col WHEN 'chapters' THEN doc ELSE 0 END), sum(CASE col WHEN 'description' THEN doc ELSE 0 END)
FROM episodes_fts_columns c GROUP BY term;

-- How many episodes are in the feed, kept by each sync (counting 100,000 rows takes 70 ms).
INSERT INTO store_meta (key, value)
SELECT 'live_episodes', count(*) FROM episodes WHERE removed_at IS NULL
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
