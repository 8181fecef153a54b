"""Words -> search terms for Dutch and English (used by the SQLite backend).

PostgreSQL has its own Dutch and English dictionaries; SQLite's FTS5 has
only an English Porter stemmer, so there we stem in Python (Snowball, the
same algorithms PostgreSQL uses) and index the stems.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMERS = {"nl": snowballstemmer.stemmer("dutch"), "en": snowballstemmer.stemmer("english")}

# Words that say nothing about what a question is about.
STOPWORDS = {
    "en": set(
        """a an and are as at be been but by can could do does did for from had has have how i if in into is it its
        me my no not of on or our so than that the their them there these they this to was we were what when where
        which who why will with would you your about more most much many some any should there's it's i'm""".split()
    ),
    "nl": set(
        """de het een en of maar dat die dit deze is zijn was waren wordt worden werd ben bent hebben heeft had hadden
        in op aan met voor van bij naar uit over onder tot door als dan ook nog niet geen wel er hier daar wat wie
        waarom hoe waar wanneer welke ik je jij u we wij ze zij hij mijn ons onze jullie hun kan kunnen zou zouden moet
        moeten mag mogen te om toch al veel meer zo nu""".split()
    ),
}
ALL_STOPWORDS = STOPWORDS["en"] | STOPWORDS["nl"]


def fold(word: str) -> str:
    """Lower-case and drop diacritics (café -> cafe), as FTS5's tokenizer does."""
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in word if not unicodedata.combining(ch))


# Longer words are stemmed without the cache: real words are shorter, and text sent to the
# look-alike endpoints must not fill the cache with junk.
CACHED_WORD_MAX = 40


def stem(word: str, language: str) -> str:
    if len(word) > CACHED_WORD_MAX:
        return _stem(word, language)
    return _stem_cached(word, language)


def _stem(word: str, language: str) -> str:
    return fold(_STEMMERS[language].stemWord(word.lower()))


_stem_cached = lru_cache(maxsize=200_000)(_stem)


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if not w.isdigit() or len(w) > 1]


def document(text: str, language: str) -> str:
    """A document's indexed form: its words stemmed in its own language."""
    return " ".join(stem(w, language) for w in words(text))


def query_terms(text: str, drop_stopwords: bool = False, limit: int = 12) -> list[set[str]]:
    """For each query word, its Dutch and English stems (the query's language is unknown)."""
    terms = []
    for w in words(text):
        if drop_stopwords and (w in ALL_STOPWORDS or len(w) < 3):
            continue
        alternatives = {stem(w, "nl"), stem(w, "en")}
        if alternatives not in terms:
            terms.append(alternatives)
        if len(terms) >= limit:
            break
    return terms
