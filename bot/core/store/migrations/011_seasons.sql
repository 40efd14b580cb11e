-- The season an episode belongs to (itunes:season, or its title's "S02 Episode 03", "3.09:"), for
-- shows whose episode numbers restart every season: "season 3 episode 9" is one episode, and
-- "episode 9" is each season's. NULL until the next sync writes the episode again (an item with a
-- season has a new fingerprint, so that sync does).
ALTER TABLE episodes ADD COLUMN season INTEGER;

-- Syncs counted the terms of changed episodes by words folded unlike the index ("grusse" for
-- its "gruße"), so such terms were missing: counted again from the index itself.
DELETE FROM search_terms;
INSERT INTO search_terms
SELECT term, substr(term, 1, 1), length(term), (SELECT doc FROM episodes_fts_terms r WHERE r.term = c.term),
       sum(CASE col WHEN 'title' THEN doc ELSE 0 END), sum(CASE col WHEN 'guests' THEN doc ELSE 0 END),
       sum(CASE col WHEN 'chapters' THEN doc ELSE 0 END), sum(CASE col WHEN 'description' THEN doc ELSE 0 END)
FROM episodes_fts_columns c GROUP BY term;
UPDATE store_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
