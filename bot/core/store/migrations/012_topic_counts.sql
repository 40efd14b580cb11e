-- How many episodes of each podcast `topic NAME` lists for each topic, and how many of its
-- articles have it, computed after a sync by the rule `topic` lists by, so `/topics` says what
-- `/topic` shows.
CREATE TABLE topic_counts (
    podcast_id INTEGER NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    episodes INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (podcast_id, topic)
) WITHOUT ROWID;
