"""Queries of the help centre, always scoped to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q

from accounts.models import User
from common.pagination import PageResult, page_slice

from .models import (
    ArticleKind,
    HelpArticle,
    RequestCategory,
    RequestStatus,
    SupportAttachment,
    SupportRequest,
    Topic,
)
from .search import articles_search

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "article_get",
    "articles_by_topic",
    "articles_search",
    "support_attachment_get_for_user",
    "support_request_counts",
    "support_request_get_for_user",
    "support_requests_for_staff",
    "support_requests_for_user",
]


def article_get(*, slug: str) -> HelpArticle | None:
    return HelpArticle.objects.filter(slug=slug, published=True).first()


def articles_by_topic(*, kind: str) -> list[tuple[StrOrPromise, list[HelpArticle]]]:
    """Published articles of a kind, grouped by topic in the topics' order."""

    groups: dict[str, list[HelpArticle]] = {}
    for article in HelpArticle.objects.filter(kind=kind, published=True).only(
        "slug", "title", "summary", "topic", "audience", "position", "kind"
    ):
        groups.setdefault(article.topic, []).append(article)
    return [(Topic(topic).label, groups[topic]) for topic in Topic.values if topic in groups]


def guides() -> list[tuple[StrOrPromise, list[HelpArticle]]]:
    return articles_by_topic(kind=ArticleKind.GUIDE)


def faq() -> list[tuple[StrOrPromise, list[HelpArticle]]]:
    return articles_by_topic(kind=ArticleKind.FAQ)


def support_requests_for_user(*, user: User, page: int = 1) -> PageResult[SupportRequest]:
    qs = SupportRequest.objects.filter(author=user).order_by("-last_message_at", "-id")
    rows, has_next = page_slice(qs, page)
    return PageResult(rows=rows, number=max(page, 1), has_next=has_next)


def support_request_get_for_user(*, user: User, pk: int) -> SupportRequest | None:
    """The request if ``user`` wrote it (or belongs to the support team), else None: another
    user's request answers exactly like an unknown one."""
    if not getattr(user, "is_authenticated", False):
        return None
    qs = SupportRequest.objects.select_related("author", "invoice", "assignee").filter(pk=pk)
    if not user.is_staff:
        qs = qs.filter(author=user)
    return qs.first()


def support_messages(*, support_request: SupportRequest) -> list:
    return list(
        support_request.messages.select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def support_attachment_get_for_user(*, user: User, pk: int) -> SupportAttachment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    qs = SupportAttachment.objects.select_related("message__request").filter(pk=pk)
    if not user.is_staff:
        qs = qs.filter(message__request__author=user)
    return qs.first()


def support_requests_for_staff(
    *, user: User, status: str = "", category: str = "", taken: str = "", q: str = "", page: int = 1
) -> PageResult[SupportRequest]:
    """The support team's list: by default the requests waiting for it (open or in progress),
    the least recently answered first within the most recent activity."""

    qs = SupportRequest.objects.select_related("author", "assignee", "invoice")
    if status == "TOUTES":
        pass
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=[RequestStatus.OPEN, RequestStatus.IN_PROGRESS])
    if category in RequestCategory.values:
        qs = qs.filter(category=category)
    if taken == "moi":
        qs = qs.filter(assignee=user)
    elif taken == "personne":
        qs = qs.filter(assignee__isnull=True)
    q = q.strip()
    if q:
        match = Q(subject__icontains=q) | Q(author__email__icontains=q) | Q(invoice__number__iexact=q)
        reference = q.upper().removeprefix("SOL-")
        if reference.isdigit() and len(reference) < 12:
            match |= Q(pk=int(reference))
        qs = qs.filter(match)
    rows, has_next = page_slice(qs.order_by("-last_message_at", "-id"), page)
    return PageResult(rows=rows, number=max(page, 1), has_next=has_next)


def support_request_counts() -> dict[str, int]:
    """How many requests wait in each status (the chips of the support team's page)."""
    return dict(SupportRequest.objects.values_list("status").annotate(n=Count("id")).order_by())
