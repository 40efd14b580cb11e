"""Questions a listener asks to find a moment in the bundled example show (bot/data/example/), each
with the episode and the moment that answers it; and questions no transcript answers.

Written blind from the example's transcripts, as listeners would ask them, without reading or tuning
against the search code. The show notes leave most of these facts out, so only transcript search
answers them.

Each entry: kind, question, the expected episode (its itunes:episode number), the start in seconds of
the cue where the answer is said (episode 4 from its timed JSON transcript, not the untimed text one),
and how far from that start an answer still counts, in seconds. Kinds: exact-phrase (words quoted as
said), paraphrase (the moment in other words, or a keyword), typo (misspelt or spelt another way),
speaker (a speaker's name, alone or with a topic; a bare name is answered by where the guest is
introduced, hence the wider window), never-said (nothing in any transcript answers it: the answer is
a refusal, or at least no transcript moment).
"""

from typing import NamedTuple


class TranscriptQuestion(NamedTuple):
    kind: str
    question: str
    episode: int | None
    said_at_seconds: float | None
    window_seconds: float = 30.0


QUESTIONS: list[TranscriptQuestion] = [
    TranscriptQuestion("exact-phrase", '"we generate the bindings with bindgen"', 1, 386.135),
    TranscriptQuestion("exact-phrase", '"our rule is simple: whoever allocates frees"', 1, 726.781),
    TranscriptQuestion("exact-phrase", '"a museum of buffer overflows"', 1, 130.348),
    TranscriptQuestion("exact-phrase", '"nine thousand lines of nonsense"', 1, 468.941),
    TranscriptQuestion("exact-phrase", '"a backup you haven\'t restored is just a rumour"', 2, 1564.207),
    TranscriptQuestion("exact-phrase", '"vacuum wasn\'t the problem"', 2, 220.434),
    TranscriptQuestion("exact-phrase", '"the duck stays"', 3, 151.778),
    TranscriptQuestion("exact-phrase", '"an action item without an owner is a wish"', 3, 1265.355),
    TranscriptQuestion("exact-phrase", '"at three in the morning you have no judgment"', 3, 1443.175),
    TranscriptQuestion("exact-phrase", '"the server had been decommissioned"', 3, 258.412),
    TranscriptQuestion("exact-phrase", '"don\'t use ARIA if a native element does the job"', 4, 263.119),
    TranscriptQuestion("exact-phrase", '"mouse free Friday"', 4, 1241.27),
    TranscriptQuestion("exact-phrase", '"someone moving your bookmark"', 4, 513.544),
    TranscriptQuestion("paraphrase", "where did they talk about bindgen", 1, 386.135),
    TranscriptQuestion("paraphrase", "the double free bug that took two days to track down", 1, 751.788),
    TranscriptQuestion(
        "paraphrase", "the german photographer who couldn't open files in a folder with an umlaut", 1, 1014.01
    ),
    TranscriptQuestion(
        "paraphrase", "when the fuzzer found crashes in the old c++ code on the first night", 1, 1319.452
    ),
    TranscriptQuestion(
        "paraphrase", "relinking took forty seconds after a one line change, how did they speed it up", 1, 1243.098
    ),
    TranscriptQuestion("paraphrase", "the senior engineer who didn't believe rust would reduce crashes", 1, 1725.294),
    TranscriptQuestion("paraphrase", "the analyst who left a jupyter notebook open for days", 2, 279.57),
    TranscriptQuestion("paraphrase", "the monthly billing job that broke after they dropped an index", 2, 956.561),
    TranscriptQuestion("paraphrase", "what setting closes sessions that sit in an open transaction", 2, 409.958),
    TranscriptQuestion(
        "paraphrase", "the index migration that blocked writes during the holiday rehearsal", 2, 1052.884
    ),
    TranscriptQuestion("paraphrase", "why did postcodes confuse the query planner", 2, 1483.04),
    TranscriptQuestion("paraphrase", "the table rebuild that ran out of disk at ninety percent", 2, 830.305),
    TranscriptQuestion("paraphrase", "the bit about the 3am page that was a false alarm", 3, 179.727, 60.0),
    TranscriptQuestion("paraphrase", "the certificate that expired on a sunday and broke checkout", 3, 736.047),
    TranscriptQuestion("paraphrase", "renewal alerts going to an email list nobody read", 3, 863.474),
    TranscriptQuestion("paraphrase", "how did they get from 120 pages a week down to 9", 3, 469.076, 60.0),
    TranscriptQuestion("paraphrase", "rolling back dns took hours because of the ttl", 3, 1326.367),
    TranscriptQuestion("paraphrase", "what did they break on purpose during the game day", 3, 1670.904),
    TranscriptQuestion("paraphrase", "how many fans were waiting in the queue for tickets", 3, 1904.869),
    TranscriptQuestion("paraphrase", "why they never hand over on call on a monday", 3, 1511.167),
    TranscriptQuestion("paraphrase", "the payment form where errors were only shown in red", 4, 650.368),
    TranscriptQuestion("paraphrase", "the exchange rate that the screen reader announced every second", 4, 1088.672),
    TranscriptQuestion("paraphrase", "the scrolling animation that made a customer seasick", 4, 1031.859),
    TranscriptQuestion("paraphrase", "what contrast ratio does normal text need", 4, 560.662),
    TranscriptQuestion("paraphrase", "how big should buttons you tap be on a phone", 4, 766.642),
    TranscriptQuestion("paraphrase", "what happens when an image has no alt text at all", 4, 967.93),
    TranscriptQuestion("paraphrase", "how fast do experienced screen reader users listen", 4, 133.575),
    TranscriptQuestion("paraphrase", "the login page where the password field came after the footer", 4, 1204.455),
    TranscriptQuestion("typo", "bindgn", 1, 386.135),
    TranscriptQuestion("typo", "adress sanitizer", 1, 810.731),
    TranscriptQuestion("typo", "autovaccum scale factor", 2, 560.34),
    TranscriptQuestion("typo", "transaction id wrap around", 2, 627.985),
    TranscriptQuestion("typo", "pg_repack", 2, 788.685),
    TranscriptQuestion("typo", "pgbouncer prepared statments", 2, 1203.308),
    TranscriptQuestion("typo", "a backup you never restored is only a rumor", 2, 1564.207),
    TranscriptQuestion("typo", "certficate expired", 3, 736.047),
    TranscriptQuestion("typo", "blamless postmortem", 3, 1131.147),
    TranscriptQuestion("typo", "color blind customer", 4, 660.642),
    TranscriptQuestion("typo", "paralax", 4, 1019.694),
    TranscriptQuestion("speaker", "who said postgres vacuum was the problem", 2, 211.79),
    TranscriptQuestion("speaker", "what did Tomas say about cxx", 1, 587.868),
    TranscriptQuestion("speaker", "Tomas Brennan", 1, 29.527, 90.0),
    TranscriptQuestion("speaker", "Dana on restoring backups", 2, 1555.355),
    TranscriptQuestion("speaker", "Luis Herrera", 3, 33.957, 90.0),
    TranscriptQuestion("speaker", "when Luis talks about his duck ringtone", 3, 119.791),
    TranscriptQuestion("speaker", "Aiko Tanaka", 4, 22.031, 90.0),
    TranscriptQuestion("speaker", "what did Aiko say about the dialog element", 4, 531.144),
    TranscriptQuestion("speaker", "Maya asking about hot standby feedback", 2, 470.208),
    TranscriptQuestion("never-said", "where did they talk about kubernetes operators", None, None),
    TranscriptQuestion("never-said", "the bit about mongodb sharding", None, None),
    TranscriptQuestion("never-said", "who mentioned webassembly", None, None),
    TranscriptQuestion("never-said", "when did they discuss graphql federation", None, None),
    TranscriptQuestion("never-said", "the story about the datacenter fire", None, None),
    TranscriptQuestion("never-said", "the mysql upgrade that went wrong", None, None),
    TranscriptQuestion("never-said", "what did they say about redis eviction", None, None),
]
