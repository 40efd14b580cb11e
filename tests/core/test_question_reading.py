"""How a question is read: its meaning words, and what it asks for. Keywords pass unchanged."""

import pytest

from bot.core.config import Config, ConfigError, SearchConfig, load_config
from bot.core.library import Library
from bot.core.search.questions import NEWEST, OLDEST, read_question
from bot.core.search.synonyms import Synonyms
from tests.conftest import rss, rss_item


def test_keywords_are_searched_as_typed():
    for query in ("caddy", "diff authoring time", "rust c++", "droidcon part 2"):
        question = read_question(query)
        assert not question.asked and question.order is None and not question.when
    assert read_question("re-release notes").words == ("re", "release", "notes")
    assert "re" in read_question("which episode was about re-architecting the app?").words


def test_question_words_are_dropped_and_the_meaning_kept():
    question = read_question("who was the guest that talked about rust on mobile?")
    assert question.asked and question.words == ("rust", "mobile")
    assert read_question("what did they say about cobol").words == ("cobol",)


def test_recency_and_originals():
    assert read_question("what was the first episode about kotlin?").order == OLDEST
    assert read_question("the latest episode about threads").order == NEWEST
    original = read_question("the original episode about shipping code, not the re-run")
    assert original.order == OLDEST and not original.repeats_wanted and "run" not in original.words
    assert read_question("the archive episode about shipping code").repeats_wanted


def test_when_questions_ask_for_the_moment():
    assert read_question("when in the caddy episode do they talk about hands?").when
    assert read_question("at what point do they compare buck2 with bazel").when
    assert not read_question("what is buck2?").when


def test_a_question_of_filler_only_is_searched_as_typed():
    assert read_question("what was that one?").words == ("what", "was", "that", "one")


def test_synonyms_find_each_other_in_both_directions():
    synonyms = Synonyms([("k8s", "kubernetes")])
    assert ("kubernetes",) in synonyms.of("k8s") and ("k8s",) in synonyms.of("kubernetes")
    assert ("continuous", "integration") in synonyms.of("ci")


def test_config_synonyms_must_be_groups_of_words(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[search]\nsynonyms = [["k8s", "kubernetes"]]\n')
    assert load_config(path).search == SearchConfig(synonyms=(("k8s", "kubernetes"),))
    path.write_text('[search]\nsynonyms = ["k8s"]\n')
    with pytest.raises(ConfigError, match="'search.synonyms' must be a list of lists of two or more words"):
        load_config(path)


async def test_a_synonym_from_the_config_finds_the_episode(tmp_path, feed_server):
    url = feed_server.serve(
        body=rss(
            rss_item(title="Orchestrating containers", guid="a", number=1, audio="https://x/1.mp3"),
            rss_item(title="Garbage collection", guid="b", number=2, audio="https://x/2.mp3"),
        )
    )
    config = Config(search=SearchConfig(synonyms=(("k8s", "orchestrating"),)))
    async with await Library.open(config, db=tmp_path / "episodes.db", feed=url) as library:
        await library.sync()
        assert [m.episode.number for m in await library.search("k8s")] == [1]
    async with await Library.open(Config(), db=tmp_path / "episodes.db", feed=url) as library:
        assert await library.search("k8s") == []
