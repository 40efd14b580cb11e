"""What depends on a feed's `<language>`: word stems (snowballstemmer) and stop words
(stopwordsiso), each for the language the feed declares, English when it declares none we know."""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer
import stopwordsiso

# ISO 639-1 codes as feeds write them ("ca", "pt-BR") to snowball's algorithm names.
_SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian",
    "nn": "norwegian", "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
_DEFAULT = "en"


def language_code(language: str | None) -> str:
    """The two-letter code of a feed's `<language>` ("en-us" -> "en"); English when unknown."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in _SNOWBALL else _DEFAULT


@lru_cache(maxsize=8)
def _stemmer(code: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_SNOWBALL[code])


def stems(words: list[str], language: str | None) -> list[str]:
    """Each of WORDS (lower case) as its stem in the feed's language ("databases" -> "databas")."""
    return list(_stemmer(language_code(language)).stemWords(words))


@lru_cache(maxsize=8)
def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of the feed's language, and English ones (shows mix in English words)."""
    code = language_code(language)
    found = set(stopwordsiso.stopwords(_DEFAULT))
    if stopwordsiso.has_lang(code):
        found |= set(stopwordsiso.stopwords(code))
    return frozenset(word.lower() for word in found)
