"""The bundled snapshot is exactly what the builder makes from the shared facts."""

import json
import sys

import pytest

from bot.core.ingest.feed import BUNDLED_SNAPSHOT
from bot.core.sync.companions import BUNDLED_BLOG
from tests.conftest import ROOT

FACTS = ROOT.parent / "shared" / "data" / "episodes.json"


@pytest.mark.skipif(not FACTS.exists(), reason="shared/data is not beside this checkout")
def test_committed_snapshot_is_rebuilt_identically():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_snapshot

    rebuilt = build_snapshot.build(json.loads(FACTS.read_text(encoding="utf-8")))
    assert rebuilt == BUNDLED_SNAPSHOT.read_text(encoding="utf-8"), "run `make snapshot` and commit the result"


def test_snapshot_says_it_is_a_reconstruction():
    text = BUNDLED_SNAPSHOT.read_text(encoding="utf-8")
    assert "reconstruction of the Meta Tech Podcast feed from public pages" in text
    assert text.count("<item>") == 61


POSTS = ROOT.parent / "shared" / "data" / "blog_posts.json"


@pytest.mark.skipif(not POSTS.exists(), reason="shared/data is not beside this checkout")
def test_committed_blog_snapshot_is_rebuilt_identically():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_blog_snapshot

    rebuilt = build_blog_snapshot.build(
        json.loads(POSTS.read_text(encoding="utf-8")), json.loads(FACTS.read_text(encoding="utf-8"))
    )
    assert rebuilt == BUNDLED_BLOG.read_text(encoding="utf-8"), "run `make snapshot` and commit the result"


def test_blog_snapshot_says_it_is_a_reconstruction_and_never_invents_an_address():
    text = BUNDLED_BLOG.read_text(encoding="utf-8")
    assert "reconstruction of the Engineering at Meta blog's feed from public pages" in text
    assert text.count("<item>") == 30  # 28 posts, and 2 companion posts only the episodes' notes name
    assert "<!-- address only partly known; left out -->" in text and "(mirrored at" not in text
