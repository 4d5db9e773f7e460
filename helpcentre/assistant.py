"""The virtual assistant: answers a question typed in plain French from the help centre's FAQ and
guides, with no external service.

It asks the help centre's own search (``helpcentre.search.articles_search``: PostgreSQL French
full-text search, ranked) and builds an answer from what it returns: the best entry's text, a
"Documentation" link to the guide of that subject, follow-up questions, and the support request
form when nothing matches (DDFiP notice « Chorus Portal Pro »: the assistant answers the most
frequent questions directly, with a link to the user guides and one to the support)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import ArticleKind, HelpArticle
from .search import articles_search, stem, words, words_all

MAX_SUGGESTIONS = 3
# Asked when the visitor has typed nothing yet, or nothing matched.
STARTER_QUESTIONS = (
    "Comment suivre le traitement de ma facture ?",
    "Pourquoi ma facture est-elle rejetée ?",
    "Comment déposer un mémoire de frais de justice sans SIRET ?",
    "Comment demander le remboursement de la TIC/TICGN ?",
)


@dataclass(slots=True)
class AssistantAnswer:
    question: str
    best: HelpArticle | None = None
    # The first paragraphs of the best entry: the answer itself, in the help centre's text format.
    answer_text: str = ""
    guide: HelpArticle | None = None
    others: list[HelpArticle] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.best is not None


def _title_hits(article: HelpArticle, stems: set[str]) -> int:
    return len(stems & {stem(word) for word in words_all(article.title)})


def _excerpt(body: str, *, blocks: int = 2) -> str:
    return "\n\n".join(re.split(r"\n\s*\n", (body or "").strip())[:blocks])


def assistant_answer(*, question: str) -> AssistantAnswer:
    """The answer to ``question``: the search's results, those whose title says what was asked
    first (a title naming « suivre » and « facture » answers « comment suivre ma facture »), the
    search's own rank deciding between equals."""
    question = (question or "").strip()[:200]
    answer = AssistantAnswer(question=question)
    if not question:
        answer.suggestions = list(STARTER_QUESTIONS)
        return answer
    found = articles_search(query=question, limit=10)
    if not found:
        answer.suggestions = list(STARTER_QUESTIONS)
        return answer
    stems = {stem(word) for word in words(question)}
    ranked = sorted(found, key=lambda article: -_title_hits(article, stems))  # stable: keeps rank
    best = ranked[0]
    answer.best = best
    answer.answer_text = _excerpt(best.body)
    if best.kind == ArticleKind.GUIDE:
        answer.guide = best
    else:
        answer.guide = next((a for a in ranked if a.kind == ArticleKind.GUIDE), None) or (
            HelpArticle.objects.filter(kind=ArticleKind.GUIDE, topic=best.topic, published=True)
            .order_by("position", "pk")
            .first()
        )
    answer.others = [a for a in ranked[1:] if answer.guide is None or a.pk != answer.guide.pk][
        :MAX_SUGGESTIONS
    ]
    answer.suggestions = [a.title for a in answer.others]
    return answer
