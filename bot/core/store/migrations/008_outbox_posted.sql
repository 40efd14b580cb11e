-- When an announcement was first posted and a digest of what it showed, so that later syncs edit
-- only recent announcements, and only when what they show changed.
ALTER TABLE outbox ADD COLUMN posted_at TEXT;
ALTER TABLE outbox ADD COLUMN posted_digest TEXT;
UPDATE outbox SET posted_at = updated_at WHERE state = 'sent';
CREATE INDEX outbox_by_posted ON outbox (state, posted_at);
