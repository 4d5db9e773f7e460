"""FAQ and guide search for a question typed in plain French.

On PostgreSQL: full-text search with the French configuration (stemming: « rejetée » and
« rejet » share the lexeme ``rejet``), ranked by ``ts_rank`` over a weighted vector (title and
keywords weigh most), served by a GIN index on that very expression (migration 0002). Entries
that contain every word of the question come first, then those that contain most of them: a
question rarely uses the exact words of the answer (« pourquoi » is in no title).

Elsewhere (the embedded SQLite default): an accent-insensitive match on lightly stemmed words,
scored the same way, over the published articles (a few hundred rows at most).
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from .models import HelpArticle

MAX_WORDS = 12
MAX_QUERY_LENGTH = 200
CONFIG = "french"

# Words that carry no meaning in a question (PostgreSQL's French dictionary drops most of them;
# this list keeps the SQLite match and the OR query free of them too).
STOPWORDS = frozenset(
    """
    a au aux avec ce ces comment dans de des du elle en est et etre il ils je la le les leur lui ma
    mais me mes moi mon ne nos notre nous on ou par pas pour qu que quel quelle quels quelles qui sa
    se ses son sont sur ta te tes toi ton tu un une vos votre vous y d l j m n s t c qu
    pourquoi quand quoi combien faut faire dois doit peut puis ai as avons avez ont
    """.split()
)


def search_vector() -> SearchVector:
    """The weighted document: the expression the GIN index of migration 0002 is built on."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("keywords", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
    )


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The meaningful words of a question, accents removed, in order, without duplicates."""
    return [bare for _word, bare in _question_words(text)]


def _question_words(text: str) -> list[tuple[str, str]]:
    """(word as typed, lower-cased; the same without accents) for each meaningful word."""
    found: list[tuple[str, str]] = []
    for word in re.findall(r"\w+", (text or "")[:MAX_QUERY_LENGTH].lower()):
        bare = plain(word)
        if not re.fullmatch(r"[a-z0-9]+", bare) or bare in STOPWORDS or len(bare) < 2:
            continue
        if bare not in [b for _w, b in found]:
            found.append((word, bare))
    return found[:MAX_WORDS]


_SUFFIXES = ("ements", "ement", "ations", "ation", "ees", "ee", "es", "er", "ez", "s", "e", "x")


def stem(word: str) -> str:
    """A light French stemmer: « rejetée », « rejetées », « rejet » → « rejet »."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def articles_search(*, query: str, limit: int = 10) -> list[HelpArticle]:
    """The published articles answering ``query``, most relevant first."""
    terms = _question_words(query)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _search_postgresql(query=query[:MAX_QUERY_LENGTH], terms=terms, limit=limit)
    return _search_simple(terms=[bare for _word, bare in terms], limit=limit)


def _word_query(word: str, bare: str) -> SearchQuery:
    """The word as typed (French stemming of the accented form), or a prefix of its light stem:
    « rejetee » typed without its accent stems to ``rejete`` and would miss ``rejet``."""
    query = SearchQuery(word, search_type="plain", config=CONFIG)
    root = stem(bare)
    if len(root) >= 4:
        # ``root`` is [a-z0-9] only (checked by _question_words): safe in a raw tsquery.
        query |= SearchQuery(f"{root}:*", search_type="raw", config=CONFIG)
    return query


def _search_postgresql(*, query: str, terms: list[tuple[str, str]], limit: int) -> list[HelpArticle]:
    every_word = SearchQuery(query, search_type="websearch", config=CONFIG)
    any_word = reduce(or_, (_word_query(word, bare) for word, bare in terms))
    vector = search_vector()
    return list(
        HelpArticle.objects.filter(published=True)
        .annotate(document=vector)
        .filter(document=any_word)
        .annotate(
            rank=SearchRank(vector, any_word),
            all_words=Case(
                When(document=every_word, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-all_words", "-rank", "position", "pk")[:limit]
    )


_WEIGHTS = (("title", 4), ("keywords", 4), ("summary", 2), ("body", 1))


def _search_simple(*, terms: list[str], limit: int) -> list[HelpArticle]:
    stems = [stem(term) for term in terms]
    scored = []
    for article in HelpArticle.objects.filter(published=True).order_by("position", "pk"):
        fields = {name: {stem(w) for w in words_all(getattr(article, name))} for name, _w in _WEIGHTS}
        matched = 0
        score = 0
        for term in stems:
            hit = False
            for name, weight in _WEIGHTS:
                if term in fields[name]:
                    score += weight
                    hit = True
            matched += hit
        if matched:
            article.rank = score
            scored.append((matched == len(stems), matched, score, article))
    scored.sort(key=lambda item: (not item[0], -item[1], -item[2], item[3].position, item[3].pk))
    return [item[3] for item in scored[:limit]]


def words_all(text: str) -> list[str]:
    """Every word of an article's text, accents removed (no stopword filtering needed)."""
    return re.findall(r"[a-z0-9]+", plain(text))
