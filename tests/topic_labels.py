"""Which bundled episodes are substantially about each topic, labelled by hand from their titles,
notes and chapters (as a listener would file them, not from what podbot returns): the blog's tags
and the topics listeners ask about. An episode is named by its number, or by the start of its
title when it has none (as in tests/search_queries.py). `topic NAME` is measured against these
(tests/core/test_topic_quality.py)."""

TOPIC_LABELS: dict[str, set[int | str]] = {
    "security": {83, 54, 50, "Red Team X", "We don’t know when"},
    "privacy": {50, 54},
    "android": {83, 71, 70, 27, 26, 21, 19, 20, 13, "Building Android apps"},
    "kotlin": {71, 26, 21, 13, "Building Android apps"},
    "rust": {76, 75, 63, 60, 51},
    "python": {75, "Meta ❤️ Python", "Python at Meta is huge", "PyTorch"},
    "ai": {72, 83, "Advancing GenAI", "PyTorch"},
    "virtual reality": {64, 68, 43, 34, 81},
    "open source": {34, 47, 51, 60, 75, 82, 17, 16, 80, 41, "PyTorch"},
    "hardware": {68, 81, 86, 80, 77},
    "developer tools": {60, 51, 47, 67, 75, 55, "Bento", "Building Android apps"},
    "mobile": {73, 76, 37, 28, 56, 70, 71, 13, 27, "Building Android apps"},
    "ios": {37, 28, 56, "ARCHIVE: From Facebook Home"},
    "video": {48, 46, 25},
    "messaging": {44, 22, 76, 54, 37},
    "sustainability": {80, 41},
    "javascript": {17, 16, 82},
    "web": {62, 82},
}
