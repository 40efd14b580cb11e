-- The season an episode belongs to (itunes:season, or its title's "S02 Episode 03", "3.09:"), for
-- shows whose episode numbers restart every season: "season 3 episode 9" is one episode, and
-- "episode 9" is each season's. NULL until the next sync writes the episode again (an item with a
-- season has a new fingerprint, so that sync does).
ALTER TABLE episodes ADD COLUMN season INTEGER;
