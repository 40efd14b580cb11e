-- Per-guild announcement settings, set by /admin announce.
CREATE TABLE guild_settings (
    guild_id INTEGER PRIMARY KEY,
    announce_channel_id INTEGER,
    announce_role_id INTEGER,
    updated_at TEXT NOT NULL
);
