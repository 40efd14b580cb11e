"""The garbage collector's freeze around syncs: overlapping syncs, and a process that settled."""

import gc

import pytest

from bot.core.ingest import heap


@pytest.fixture(autouse=True)
def unsettled(monkeypatch):
    monkeypatch.setattr(heap._Freezing, "settled", False)
    yield
    gc.unfreeze()


def test_a_sync_ending_beside_another_leaves_the_other_its_frozen_objects():
    with heap.sparing_the_collector():
        with heap.sparing_the_collector():
            pass
        assert gc.get_freeze_count() > 0
        made_since = [[] for _ in range(1000)]
        heap.spare_new_objects()
        assert gc.get_freeze_count() >= len(made_since)
    assert gc.get_freeze_count() == 0


def test_a_settled_process_keeps_its_start_up_objects_frozen_after_a_sync():
    heap.settle_after_startup()
    with heap.sparing_the_collector():
        pass
    assert gc.get_freeze_count() > 0
