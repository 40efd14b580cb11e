-- podcast:transcript files are linked files too (validators, failures, retries), with the
-- speakers they name (the guests of an episode whose notes name none).
ALTER TABLE linked_files ADD COLUMN is_transcript INTEGER NOT NULL DEFAULT 0;
ALTER TABLE linked_files ADD COLUMN speakers_json TEXT;

-- The transcript each episode is read from (the item's best podcast:transcript).
CREATE TABLE episode_transcripts (
    episode_id INTEGER PRIMARY KEY REFERENCES episodes (id),
    url TEXT NOT NULL
);
CREATE INDEX episode_transcripts_by_url ON episode_transcripts (url);

-- A transcript's passages (a few sentences each), by its file's address: a file is stored once
-- however many episodes name it, and replaced only when its bytes change.
CREATE TABLE transcript_passages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    position INTEGER NOT NULL,
    start_seconds INTEGER,
    end_seconds INTEGER,
    speakers TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL
);
CREATE INDEX transcript_passages_by_url ON transcript_passages (url, position);

-- Full text over the passages and who speaks in them, apart from episodes_fts: title search and
-- autocomplete never read it.
CREATE VIRTUAL TABLE transcript_fts USING fts5 (
    text, speakers,
    content = 'transcript_passages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Its words with how many passages have each, as of the last sync that stored a transcript: a
-- query's rare words weigh most, and a misspelt word finds the word the transcripts spell among
-- the few of its shape (first letter, length), as search_terms does for the episode index.
CREATE VIRTUAL TABLE transcript_fts_terms USING fts5vocab (transcript_fts, 'row');
CREATE TABLE transcript_terms (
    term TEXT PRIMARY KEY,
    first TEXT NOT NULL,
    length INTEGER NOT NULL,
    documents INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX transcript_terms_by_shape ON transcript_terms (first, length, documents DESC);
