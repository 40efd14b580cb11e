"""The feed's language as search needs it: its stop words, its stems and how it writes numbers.

Chosen by the feed's `<language>` (a BCP 47 tag such as `en-us` or `ca`), each from a well-kept
library: stop words from stopwordsiso, stems from snowballstemmer, number words from num2words and
Roman numerals from roman. A language a library lacks falls back to English for numbers and to no
stems or stop words, so search still works, only more literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import roman
import snowballstemmer
import stopwordsiso
from num2words import CONVERTER_CLASSES, num2words

from bot.core.words.text import tokenize

# Numbers people write as words or numerals in titles ("Part II", "second part", "2a part").
HIGHEST_SPELT_NUMBER = 20
# snowballstemmer names its algorithms by language name; the feed names its language by ISO 639-1.
_SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian",
    "nn": "norwegian", "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
# The ordinal indicators "2ª" and "2º" (Unicode symbols, not a language's words), as the index
# keeps them and as people type them ("2a", "2o").
_INDICATORS = ("\u00aa", "\u00ba", "a", "o")
_ORDINAL_NUMERAL = re.compile(r"^(\d{1,2})([^\W\d_]{1,3})$")


@dataclass(frozen=True)
class Language:
    code: str
    stop_words: frozenset[str]
    _stemmer: snowballstemmer.stemmer | None = field(repr=False, compare=False)
    # Each way the language writes a small number ("2", "ii", "second", "2nd"), and the number.
    _numbers: dict[str, int] = field(repr=False, compare=False)
    _ordinal_suffixes: frozenset[str] = field(repr=False, compare=False)

    def stem(self, word: str) -> str:
        """The word's stem ("manages" and "managing" are "manag"); the word itself when the
        language has no stemmer, or for a number or a word of two letters (an abbreviation's
        plural is usually another abbreviation: "PIS" is not "Pi")."""
        if self._stemmer is None or len(word) <= 2 or not word.isalpha():
            return word
        return str(self._stemmer.stemWord(word))

    def number(self, word: str) -> int | None:
        """The small number WORD writes, if it writes one: "2", "II", "second", "2nd", "2a"."""
        if word in self._numbers:
            return self._numbers[word]
        if word.isdigit() and word.startswith("0"):  # "Day 02", "S01": the same small number
            return self._numbers.get(word.lstrip("0"))
        if (stem := self.stem(word)) in self._numbers:  # Catalan "segona" is "segon"
            return self._numbers[stem]
        match = _ORDINAL_NUMERAL.match(word)
        if match and match.group(2) in self._ordinal_suffixes and int(match.group(1)) <= HIGHEST_SPELT_NUMBER:
            return int(match.group(1))
        return None

    def number_forms(self, number: int) -> list[str]:
        """The words that write NUMBER, the plain numeral first ("2", "ii", "second", "2nd", "2a", "02")."""
        spelt = [str(number), roman.toRoman(number).lower()]
        spelt += [word for word, value in self._numbers.items() if value == number]
        ordinals = [f"{number}{suffix}" for suffix in sorted(self._ordinal_suffixes)]
        return list(dict.fromkeys([*spelt, *ordinals, f"{number:02d}"]))

    def is_number(self, word: str) -> bool:
        return word.isdigit() or self.number(word) is not None


@lru_cache(maxsize=32)
def language_of(tag: str | None) -> Language:
    """The language a feed's `<language>` tag names (English when it names none we know)."""
    code = (tag or "en").strip().lower().replace("_", "-").split("-")[0] or "en"
    stop_words = frozenset(stopwordsiso.stopwords(code)) if stopwordsiso.has_lang(code) else frozenset()
    algorithm = _SNOWBALL.get(code)
    stemmer = snowballstemmer.stemmer(algorithm) if algorithm else None
    spelt = code if code in CONVERTER_CLASSES else "en"
    numbers: dict[str, int] = {}
    suffixes = {tokenize(f"1{indicator}")[0][1:] for indicator in _INDICATORS}
    for number in range(1, HIGHEST_SPELT_NUMBER + 1):
        numbers[str(number)] = number
        numbers[roman.toRoman(number).lower()] = number
        for kind in ("ordinal", "cardinal", "ordinal_num"):
            try:
                words = tokenize(str(num2words(number, to=kind, lang=spelt)))
            except Exception:
                # num2words lacks some forms in some languages (Swedish ordinal numerals raise
                # NotImplementedError, Vietnamese has no to_ordinal_num): that form is unknown.
                continue
            if len(words) != 1:
                continue  # "twenty one" is two words; titles write it as a numeral
            numbers.setdefault(words[0], number)
            if kind == "ordinal_num" and words[0].startswith(str(number)):
                suffixes.add(words[0][len(str(number)) :])
    # A query's "i" is a word in English and Catalan before it is the numeral one (which a title's
    # "Part I" still is: number_forms writes it).
    numbers.pop("i", None)
    language = Language(code, stop_words, stemmer, numbers, frozenset(s for s in suffixes if s.isalpha()))
    for word, number in list(numbers.items()):
        numbers.setdefault(language.stem(word), number)
    return language


def stems(words: list[str], language: str | None) -> list[str]:
    """Each of WORDS (lower case) as its stem in the feed's language ("databases" -> "databas")."""
    stemmed = language_of(language)
    return [stemmed.stem(word) for word in words]


@lru_cache(maxsize=8)
def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of the feed's language, and English ones (shows mix in English words)."""
    return language_of(language).stop_words | language_of("en").stop_words
