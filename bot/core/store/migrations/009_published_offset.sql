-- The UTC offset the feed dated each episode with, in minutes (NULL when unknown), so an episode
-- shows the date its publisher gave it; `published` stays UTC, which keeps ordering by it right.
ALTER TABLE episodes ADD COLUMN published_offset_minutes INTEGER;
