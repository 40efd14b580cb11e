"""Questions in plain words find the episode (and the moment) a listener means; questions nothing
answers are refused honestly. Thresholds on the set in tests/question_queries.py."""

from collections import defaultdict

from tests.conftest import is_expected
from tests.question_queries import QUESTIONS, UNANSWERED

TOP1_THRESHOLD = 0.88
MRR_THRESHOLD = 0.9
CHAPTER_THRESHOLD = 0.85
REFUSED_THRESHOLD = 0.9


async def test_questions_find_the_episode_and_the_moment(snapshot_library):
    library = snapshot_library
    assert len(QUESTIONS) >= 60 and len(UNANSWERED) >= 10
    top1, reciprocal, chapters_right, chapters_asked = 0, 0.0, 0, 0
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for category, question, expected, chapter in QUESTIONS:
        found = await library.find(question)
        results = await library.search(question, limit=10)
        rank = next((i for i, m in enumerate(results, 1) if is_expected(m.episode, expected)), None)
        first = found.best is not None and is_expected(found.best.episode, expected)
        top1 += first
        reciprocal += 1 / rank if rank else 0
        by_category[category][0] += first
        by_category[category][1] += 1
        if chapter is not None:
            chapters_asked += 1
            chapters_right += bool(
                first and found.best.matched.field == "chapter" and found.best.matched.text == chapter
            )
        if not first:
            misses.append((question, expected, found.best.episode.display_title[:40] if found.best else None))
    refused = 0
    for question in UNANSWERED:
        found = await library.find(question)
        refused += found.best is None
        if found.best is not None:
            misses.append((question, "refused", found.best.episode.display_title[:40]))
    n = len(QUESTIONS)
    print(
        f"\nquestions: {n}, top-1 {top1 / n:.3f}, MRR {reciprocal / n:.3f}, "
        f"chapters {chapters_right}/{chapters_asked}, unanswered refused {refused}/{len(UNANSWERED)}"
    )
    print("  by category:", {c: f"{right}/{total}" for c, (right, total) in sorted(by_category.items())})
    for miss in misses:
        print("  miss:", miss)
    assert top1 / n >= TOP1_THRESHOLD, misses
    assert reciprocal / n >= MRR_THRESHOLD, misses
    assert chapters_right / chapters_asked >= CHAPTER_THRESHOLD, misses
    assert refused / len(UNANSWERED) >= REFUSED_THRESHOLD, misses
