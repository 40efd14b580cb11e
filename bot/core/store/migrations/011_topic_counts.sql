-- How many episodes `topic NAME` lists for each topic and how many articles it has, computed
-- after a sync by the rule `topic` lists by, so `/topics` says what `/topic` shows.
CREATE TABLE topic_counts (
    topic TEXT PRIMARY KEY,
    episodes INTEGER NOT NULL,
    articles INTEGER NOT NULL
) WITHOUT ROWID;
