"""Related episodes a listener accepts: a distinctive shared thing in the feed's language, or none;
stored by the sync and read by the reply."""

from bot.core.config import Config
from bot.core.library import Library
from tests.conftest import rss, rss_item

FILLER = "Van parlar de situacions molt diferents i van riure. Originally aired in November."


def catalan_show() -> bytes:
    notes = {
        1: f"<p>Entrevista amb Pau Freixas sobre la sèrie Polseres vermelles. {FILLER}</p>",
        2: f"<p>Tornem a parlar amb Pau Freixas de la seva nova sèrie. {FILLER}</p>",
        3: f"<p>Cuina de temporada: bolets i castanyes. {FILLER}</p>",
        **{n: f"<p>Programa {n} sobre temes del dia {n * 7}. Llibres, teatre, museus.</p>" for n in range(4, 12)},
    }
    items = [
        rss_item(title=f"Capítol {n}", guid=f"c{n}", number=n, audio=f"https://cdn.example/{n}.mp3", notes=text)
        for n, text in notes.items()
    ]
    return rss(*items, title="Sèries").replace(b"<channel>", b"<channel><language>ca</language>")


async def test_reasons_are_distinctive_things_in_the_feeds_language_or_nothing(tmp_path):
    feed = tmp_path / "ca.xml"
    feed.write_bytes(catalan_show())
    async with await Library.open(Config(), db=tmp_path / "ca.db", feed=str(feed)) as library:
        await library.sync()
        by_number = {e.number: e for e in await library.episodes()}
        first = await library.related(by_number[1].id)
        cooking = await library.related(by_number[3].id)
        stored = await library.store.stored_related(by_number[1].id, 5)
    assert [(r.episode.number, r.reason) for r in first] == [(2, "both discuss Pau Freixas")]
    assert cooking == []  # only stop words and "aired in November" in common with the others
    assert stored is not None and [other for other, _, _ in stored] == [by_number[2].id]


async def test_a_new_episode_joins_the_stored_related_episodes_of_those_like_it(tmp_path, feed_server):
    items = [rss_item(title=f"Capítol {n}", guid=f"c{n}", number=n, audio=f"https://cdn.example/{n}.mp3",
                      notes=f"<p>Programa {n}: llibres, teatre i museus del dia {n * 7}.</p>") for n in range(3, 9)]  # fmt: skip
    first = rss_item(title="Pau Freixas", guid="c1", number=1, audio="https://cdn.example/1.mp3",
                     notes="<p>Entrevista amb Pau Freixas.</p>")  # fmt: skip
    url = feed_server.serve(body=rss(first, *items))
    async with await Library.open(Config(), db=tmp_path / "n.db", feed=url) as library:
        await library.sync()
        (one,) = [e for e in await library.episodes() if e.number == 1]
        assert await library.related(one.id) == []
        second = rss_item(title="Pau Freixas torna", guid="c2", number=2, audio="https://cdn.example/2.mp3",
                          notes="<p>Tornem a parlar amb Pau Freixas.</p>")  # fmt: skip
        feed_server.serve(body=rss(second, first, *items))
        await library.sync()
        assert await library.store.stored_related(one.id, 5) is not None  # computed by the sync
        assert [r.episode.number for r in await library.related(one.id)] == [2]
