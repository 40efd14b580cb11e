"""Words that mean the same to a listener: abbreviations and their long forms, British and American
spellings, nicknames and common verb forms. Each group's words find one another; the config's
`search.synonyms` adds groups. A word of several (`continuous integration`) stands for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.words.text import tokenize

GROUPS: tuple[tuple[str, ...], ...] = (
    # abbreviations of the field
    ("ci", "continuous integration"),
    ("cd", "continuous delivery"),
    ("js", "javascript"),
    ("ts", "typescript"),
    ("db", "database"),
    ("dbs", "databases"),
    ("perf", "performance"),
    ("ml", "machine learning"),
    ("ai", "artificial intelligence"),
    ("genai", "generative ai"),
    ("llm", "large language model"),
    ("llms", "large language models"),
    ("vr", "virtual reality"),
    ("ar", "augmented reality"),
    ("mr", "mixed reality"),
    ("xr", "extended reality"),
    ("e2ee", "end-to-end encryption", "e2e"),
    ("ui", "user interface"),
    ("ux", "user experience"),
    ("devex", "developer experience"),
    ("oss", "open source"),
    ("os", "operating system"),
    ("k8s", "kubernetes"),
    ("cpp", "c++"),
    ("rn", "react native"),
    ("pm", "product manager"),
    ("scm", "source control"),
    ("vcs", "version control"),
    ("ios", "iphone"),
    ("config", "configuration", "configs", "configurations"),
    ("repo", "repository", "monorepo"),
    ("app", "application"),
    ("apps", "applications"),
    ("cad", "computer-aided design", "3d design"),
    ("diff", "code change", "pull request"),
    ("diffs", "code changes", "pull requests"),
    ("pr", "pull request"),
    ("prs", "pull requests"),
    ("auth", "authentication"),
    ("login", "sign in", "log in"),
    ("executable", "binary"),
    ("part", "pt"),
    ("executables", "binaries"),
    # everyday words for the field's words
    ("picture", "image", "photo"),
    ("pictures", "images", "photos"),
    ("settings", "configuration"),
    ("sharper", "sharpness", "crisper", "quality"),
    ("glasses", "eyewear"),
    # British and American spellings
    ("optimise", "optimize"),
    ("optimising", "optimizing"),
    ("optimisation", "optimization"),
    ("optimisations", "optimizations"),
    ("modularise", "modularize"),
    ("modularising", "modularizing"),
    ("colour", "color"),
    ("colours", "colors"),
    ("centre", "center"),
    ("centres", "centers"),
    ("behaviour", "behavior"),
    ("organisation", "organization"),
    ("personalised", "personalized"),
    ("analyse", "analyze"),
    ("defence", "defense"),
    ("licence", "license"),
    ("catalogue", "catalog"),
    ("modernise", "modernize"),
    ("minimisation", "minimization"),
    ("prioritising", "prioritizing"),
    # verb forms people remember instead of the title's
    ("build", "building", "built", "builds"),
    ("ship", "shipping", "shipped", "ships"),
    ("write", "writing", "wrote", "written"),
    ("rewrite", "rewriting", "rewrote", "rewritten"),
    ("migrate", "migrating", "migrated", "migration"),
    ("measure", "measuring", "measured", "measurement"),
    ("translate", "translating", "translated", "translation"),
    ("scale", "scaling", "scaled"),
    ("encrypt", "encryption", "encrypted"),
    ("compress", "compression", "compressed"),
    ("deploy", "deployment", "deploying", "deployed"),
    ("test", "testing", "tests", "tested"),
    ("launch", "launching", "launched"),
)


class Synonyms:
    """For a query word, the other words that mean the same (each a tuple of terms: one word, or
    the words of a phrase)."""

    def __init__(self, extra: Iterable[Iterable[str]] = ()) -> None:
        self._others: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for group in (*GROUPS, *extra):
            forms = [tuple(tokenize(form)) for form in group]
            for form in forms:
                if form:
                    self._others.setdefault(form, set()).update(f for f in forms if f != form and f)

    def of(self, word: str) -> list[tuple[str, ...]]:
        return self.of_phrase((word,))

    def of_phrase(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The other forms of the words WORDS (one word, or a phrase such as open source) mean."""
        return sorted(self._others.get(words, ()))
