import pytest

from bot.core.config import Config
from bot.core.library import Library
from bot.core.search.searcher import number_in_query
from tests.conftest import is_expected
from tests.search_queries import QUERIES

TOP1_THRESHOLD = 0.90
MRR_THRESHOLD = 0.93


@pytest.fixture
def searcher(snapshot_library):
    return snapshot_library


async def evaluate(searcher):
    top1, reciprocal, misses = 0, 0.0, []
    for query, expected in QUERIES:
        results = await searcher.search(query, limit=10)
        rank = next((i for i, m in enumerate(results, 1) if is_expected(m.episode, expected)), None)
        top1 += rank == 1
        reciprocal += 1 / rank if rank else 0
        if rank != 1:
            misses.append((query, expected, rank, [m.episode.display_title[:40] for m in results[:3]]))
    return top1 / len(QUERIES), reciprocal / len(QUERIES), misses


async def test_query_set_top1_and_mrr(searcher):
    assert len(QUERIES) >= 40
    top1, mrr, misses = await evaluate(searcher)
    print(f"\nsearch quality: {len(QUERIES)} queries, top-1 {top1:.3f}, MRR {mrr:.3f}")
    for miss in misses:
        print("  miss:", miss)
    assert top1 >= TOP1_THRESHOLD, misses
    assert mrr >= MRR_THRESHOLD, misses


async def test_caddy_chapter_match_says_which_chapter(searcher):
    (match,) = await searcher.search("hand-based interactions", limit=1)
    assert match.episode.number == 64
    assert (match.matched.field, match.matched.text, match.matched.start_seconds) == (
        "chapter",
        "Discovery of hand-based interactions",
        706,
    )


async def test_guest_match_is_reported(searcher):
    (match,) = await searcher.search("raghavan", limit=1)
    assert (match.matched.field, match.matched.text) == ("guest", "Raghavan")


async def test_number_beats_titles_containing_the_number(searcher):
    results = await searcher.search("64", limit=5)
    assert results[0].episode.number == 64 and results[0].matched.field == "number"


async def test_unknown_number_finds_nothing_by_number(searcher):
    assert all(m.matched.field != "number" for m in await searcher.search("#999"))


async def test_common_words_do_not_outrank_the_topic(searcher):
    results = await searcher.search("building the meta caddy", limit=3)
    assert results[0].episode.number == 64


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "caddy*",
        "-caddy",
        "NEAR(",
        "NEAR(a b)",
        "a:b",
        "title:caddy",
        "(",
        ")",
        "((caddy",
        "AND",
        "OR NOT",
        "^caddy",
        "{title}: x",
        "'",
        "\\",
        "\x00",
    ],
)
async def test_fts_syntax_in_user_text_is_just_text(searcher, query):
    results = await searcher.search(query)
    assert isinstance(results, list)
    if "caddy" in query:
        assert results and results[0].episode.number == 64


async def test_empty_and_huge_queries(searcher):
    assert await searcher.search("") == []
    assert await searcher.search("   ") == []
    huge = ("caddy " * 1000)[:5000]
    results = await searcher.search(huge)
    assert results[0].episode.number == 64


async def test_nonsense_finds_nothing(searcher):
    assert await searcher.search("zzqxv wqpfj") == []


async def test_suggestions_complete_as_you_type(searcher):
    for prefix in ["c", "ca", "cad", "cadd", "caddy", "ra", "kot", "the", "meta"]:
        assert len(await searcher.suggest(prefix, 25)) <= 25
    (first, *_) = await searcher.suggest("cadd", 25)
    assert first.episode.number == 64
    assert (await searcher.episode(first.episode.id)).number == 64


async def test_suggestions_with_nothing_typed_are_the_newest(searcher):
    suggestions = await searcher.suggest("", 25)
    assert len(suggestions) == 25
    assert suggestions[0].episode.number == 86


async def test_find_offers_close_alternatives_and_a_hint_when_nothing_matches(searcher):
    found = await searcher.find("caddy")
    assert found.best.episode.number == 64 and found.hint == ""
    missing = await searcher.find("#65")
    assert missing.best is None and "none is numbered 65" in missing.hint
    assert [m.episode.number for m in missing.closest] == [64, 66, 67] or 64 in [
        m.episode.number for m in missing.closest
    ]


def test_number_aliases():
    for text in ["64", "#64", "ep 64", "ep64", "Ep. 64", "episode 64", "Episode #64", " no. 64 "]:
        assert number_in_query(text) == 64, text
    for text in ["64 caddy", "ep", "#", "6 4", "episode sixty-four"]:
        assert number_in_query(text) is None, text


async def test_titles_in_any_script_and_with_accents_are_searchable(tmp_path, feed_server):
    from tests.conftest import rss, rss_item

    url = feed_server.serve(
        body=rss(
            rss_item(title="Schöne Grüße aus München", guid="de", audio="https://x/de.mp3"),
            rss_item(title="東京 の ポッドキャスト", guid="ja", audio="https://x/ja.mp3"),
            rss_item(title="Привет мир", guid="ru", audio="https://x/ru.mp3"),
        )
    )
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        assert (await library.search("grusse munchen"))[0].episode.guid == "de"
        assert (await library.search("東京"))[0].episode.guid == "ja"
        assert (await library.search("привет"))[0].episode.guid == "ru"


async def test_typos_still_match_when_the_notes_hold_a_huge_vocabulary(tmp_path, feed_server):
    from bot.core.search.index import SPELLING_CANDIDATES, IndexReader
    from tests.conftest import rss, rss_item

    # Made-up words that start like "caddy", as a hostile feed's notes could hold: more of one
    # shape than typo expansion ever looks at.
    junk = " ".join(f"c{n:07d}" for n in range(11_000))
    url = feed_server.serve(
        body=rss(
            rss_item(title="Caddy, a mixed reality pen", guid="caddy", number=64, audio="https://x/64.mp3"),
            rss_item(title="Words", guid="junk", number=1, audio="https://x/1.mp3", notes=f"<p>{junk}</p>"),
        )
    )
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        reader = IndexReader(library.store.path)
        try:
            assert len(reader.spelling_candidates("c1234567")) == SPELLING_CANDIDATES
        finally:
            reader.close()
        (best,) = await library.search("cadddy", limit=1)
        assert best.episode.number == 64


def test_notes_snippets_cut_at_word_boundaries_and_never_inside_a_url():
    from bot.core.search.searcher import _snippet

    url = "https://example.com/" + "segment/" * 12 + "end"
    text = f"Intro words here. Read {url} for the background on caching layers and eviction policies today."
    snippet, word = _snippet(text, [{"eviction": 1.0}], width=60)
    assert word == "eviction" and "eviction" in snippet
    for piece in snippet.strip("…").split():
        assert piece in text.split()  # whole words only: the URL is there whole or not at all


async def test_a_result_found_only_by_misspelling_ranks_below_every_exact_one(tmp_path):
    from tests.conftest import rss, rss_item

    feed = tmp_path / "feed.xml"
    feed.write_bytes(
        rss(
            rss_item(title="Swoft internals", guid="misspelt", number=1, audio="https://cdn.example/1.mp3"),
            rss_item(
                title="Mobile apps",
                guid="exact",
                number=2,
                audio="https://cdn.example/2.mp3",
                notes="<p>We rewrote the app in Swift last year.</p>",
            ),
            *(
                rss_item(title=f"Filler {n}", guid=f"f{n}", number=10 + n, audio=f"https://cdn.example/f{n}.mp3")
                for n in range(6)
            ),
        )
    )
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=str(feed)) as library:
        await library.sync()
        assert [m.episode.number for m in await library.search("swift")] == [2, 1]
        assert [m.episode.number for m in await library.search("swift", limit=1)] == [2]
        assert [m.episode.number for m in await library.search("swoft")] == [1]  # a typo still finds


async def test_two_words_that_mean_one_find_it_and_notes_that_dwell_on_a_word_rank_first(tmp_path, feed_server):
    from tests.conftest import rss, rss_item

    url = feed_server.serve(
        body=rss(
            rss_item(title="Diff authoring time", guid="dat", audio="https://x/1.mp3", notes="<p>Metrics.</p>"),
            rss_item(title="Changing careers", guid="career", audio="https://x/2.mp3", notes="<p>A big change.</p>"),
            rss_item(title="One", guid="once", audio="https://x/3.mp3", notes="<p>We touch on compilers.</p>"),
            rss_item(
                title="Two",
                guid="dwells",
                audio="https://x/4.mp3",
                notes="<p>Compilers: how compilers work, why compilers are slow, and compilers at scale.</p>",
            ),
        )
    )
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        found = await library.find("how long does it take to write a code change?")
        assert found.best.episode.guid == "dat"
        assert [m.episode.guid for m in await library.search("compilers")] == ["dwells", "once"]
