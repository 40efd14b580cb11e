-- New-episode announcements: one outbox row per (episode, channel), driven to 'sent' exactly once.

-- Episodes stored by the first sync of a feed are back catalogue, never announced. Episodes that
-- were stored before this migration count as seen too, hence the default 0.
ALTER TABLE episodes ADD COLUMN announceable INTEGER NOT NULL DEFAULT 0;

-- Episodes first seen before a channel was configured are not announced in it.
ALTER TABLE guild_settings ADD COLUMN announce_since TEXT;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    nonce TEXT NOT NULL,                 -- sent with the POST so Discord drops a repeated one
    message_id INTEGER,                  -- several rows share one when posted as a digest
    posted_fingerprint TEXT,             -- title+notes+chapters when posted, to know when to edit
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    error_code INTEGER,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (episode_id, channel_id)
);
CREATE INDEX outbox_by_state ON outbox (state, channel_id);
