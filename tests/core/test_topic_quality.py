"""`topic NAME` against hand labels (tests/topic_labels.py): precision@10 is the share of the
episodes shown (at most 10) that are labelled about the topic, recall@10 the share of the
labelled episodes shown in the first 10. Also how many companion posts the episodes' notes name
are linked to their episodes."""

from tests.conftest import is_expected
from tests.topic_labels import TOPIC_LABELS

PRECISION_THRESHOLD = 0.7
RECALL_THRESHOLD = 0.7
# episodes.json names a companion post for 11 episodes; one is known only by part of its address.
LINKED_COMPANIONS = {60, 64, 68, 75, 76, 83, 84, 86, "Meta ❤️ Python", "Reel Friends"}


async def test_topics_find_the_episodes_listeners_file_under_them(snapshot_library):
    assert len(TOPIC_LABELS) >= 15
    precision, recall, report = [], [], []
    for name, labelled in TOPIC_LABELS.items():
        answer = await snapshot_library.topic(name, limit=10)
        shown = [result.match.episode for result in answer.results[:10]]
        right = [episode for episode in shown if any(is_expected(episode, label) for label in labelled)]
        found = {label for label in labelled if any(is_expected(episode, label) for episode in shown)}
        precision.append(len(right) / len(shown) if shown else 0.0)
        recall.append(len(found) / len(labelled))
        report.append(
            f"  {name}: P@10 {precision[-1]:.2f}, R@10 {recall[-1]:.2f}, missed {sorted(map(str, labelled - found))}"
        )
    mean_precision, mean_recall = sum(precision) / len(precision), sum(recall) / len(recall)
    print(f"\ntopics: {len(TOPIC_LABELS)}, precision@10 {mean_precision:.3f}, recall@10 {mean_recall:.3f}")
    print("\n".join(report))
    assert mean_precision >= PRECISION_THRESHOLD, report
    assert mean_recall >= RECALL_THRESHOLD, report


async def test_the_companion_posts_the_notes_name_are_linked_to_their_episodes(snapshot_library):
    episodes = await snapshot_library.episodes()
    reading = await snapshot_library.reading([episode.id for episode in episodes])
    linked = [episode for episode in episodes if reading[episode.id]]
    assert all(any(is_expected(episode, label) for label in LINKED_COMPANIONS) for episode in linked)
    assert all(any(is_expected(episode, label) for episode in linked) for label in LINKED_COMPANIONS)
