"""Queries on public structures, their services, their buyers, and the directory (annuaire).

The directory holds ~150,000 structures: every search here is bounded (LIMIT) and answered by
an index, never by a full scan or an unbounded COUNT:
- SIRET: a prefix is a range scan of the unique index (14 digits: "2149" is 21490000000000
  to 21499999999999), read in SIRET order;
- name: ``search_name`` is upper-cased and accent-free; each word of the query is a ``LIKE
  '%WORD%'`` answered by the trigram GIN index of migration 0002 (PostgreSQL);
- postcode and city: prefix searches on their pattern-ops indexes.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import User
from accounts.roles import MembershipStatus
from common.identifiers import SIRET_LENGTH, siret_prefix_range
from common.memo import memoized

from .models import PUBLIC_INVOICES_SERVICE, BuyerMembership, PublicStructure, Service
from .normalize import search_key

MAX_LIMIT = 100
# Deep pages of an OFFSET scan cost more and more: past this, ask for a narrower search.
MAX_OFFSET = 2000
# Trigrams need 3 characters: shorter words ("DE", "LA") do not narrow a name search.
MIN_WORD = 3
# Services listed with each structure by the directory's search (the detail page lists all).
SERVICES_PER_STRUCTURE = 50


def _digits(value: str) -> str:
    return "".join(ch for ch in value or "" if not ch.isspace())


def public_structure_get_active(*, siret: str) -> PublicStructure | None:
    """The active public structure with this SIRET (spaces allowed), or None."""
    siret = _digits(siret)
    if not siret:
        return None
    return memoized(
        ("public_structure_active", siret),
        lambda: PublicStructure.objects.filter(siret=siret, active=True).first(),
    )


def public_structure_get(*, siret: str) -> PublicStructure | None:
    """The public structure with this SIRET, active or not (the directory shows both)."""
    siret = _digits(siret)
    if not siret:
        return None
    return PublicStructure.objects.filter(siret=siret).first()


def _active_on(day: date) -> Q:
    return (
        Q(active=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def service_get(*, structure: PublicStructure, code: str) -> Service | None:
    """The service with this code, active or not: callers tell "unknown" from "inactive"."""
    code = (code or "").strip()
    if not code:
        return None
    return memoized(
        ("service", structure.pk, code),
        lambda: Service.objects.filter(structure=structure, code=code).first(),
    )


def service_is_active(*, service: Service, on: date | None = None) -> bool:
    """Active flag set and ``on`` (today by default) within the validity dates."""
    day = on or timezone.localdate()
    return (
        service.active
        and (service.valid_from is None or service.valid_from <= day)
        and (service.valid_to is None or service.valid_to >= day)
    )


def service_is_reserved_for_public_bodies(*, service: Service) -> bool:
    """``FACTURES_PUBLIQUES`` only receives invoices between public bodies (reference §3.3)."""
    return service.code == PUBLIC_INVOICES_SERVICE


def services_active(*, structure: PublicStructure, on: date | None = None) -> QuerySet[Service]:
    """Services a supplier may address today: active flag AND today within validity dates."""
    return Service.objects.filter(_active_on(on or timezone.localdate()), structure=structure).order_by(
        "code"
    )


def services_of(*, structure: PublicStructure) -> QuerySet[Service]:
    return Service.objects.filter(structure=structure).order_by("code")


def directory_search(
    *,
    query: str = "",
    siret: str = "",
    postcode: str = "",
    city: str = "",
    limit: int = 20,
    offset: int = 0,
    active_only: bool = True,
    with_services: bool = False,
) -> list[PublicStructure]:
    """Public structures matching every given criterion, ordered by name, at most ``limit``.

    ``query`` is a SIRET (prefix) when it is made of digits, otherwise words of the name.
    With ``with_services``, each structure carries ``active_services`` (a list) fetched in one
    more query. To know whether a next page exists, ask for ``limit + 1``.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_OFFSET))
    qs = PublicStructure.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    query = (query or "").strip()
    if query and _digits(query).isdigit():
        siret = siret or _digits(query)
        query = ""
    if siret:
        prefix = _digits(siret)
        if prefix.isdigit() and len(prefix) <= SIRET_LENGTH:
            qs = qs.filter(siret__range=siret_prefix_range(prefix))
        else:
            qs = qs.filter(siret__startswith=prefix)
    if query:
        words = search_key(query).split()
        long_words = [w for w in words if len(w) >= MIN_WORD]
        if long_words:
            for word in long_words:
                qs = qs.filter(search_name__contains=word)
        elif words:
            # Only short words ("CH", "LA"): a prefix of the whole name, on the B-tree index.
            qs = qs.filter(search_name__startswith=" ".join(words))
    if postcode:
        qs = qs.filter(postcode__startswith=postcode.strip())
    if city:
        qs = qs.filter(search_city__startswith=search_key(city))
    if siret and not query:
        qs = qs.order_by("siret")  # the range scan of the unique index, already in order
    elif query or postcode or city:
        # Sorting on an expression, not on the column, keeps PostgreSQL from walking the whole
        # name index in order and filtering each row until LIMIT is reached (a plan it picks for
        # LIMIT queries, which degenerates into a scan of the table when matches are rare): the
        # trigram and prefix indexes find the matches, then only those are sorted.
        qs = qs.order_by(Concat("search_name", Value("")).asc(), "siret")
    else:
        qs = qs.order_by("search_name", "siret")  # no criterion: the first rows of the index
    if with_services:
        # At most SERVICES_PER_STRUCTURE + 1 per structure (a sliced prefetch is one windowed
        # query): the extra one only tells that there are more (``services_truncated``).
        qs = qs.prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(_active_on(timezone.localdate())).order_by("code")[
                    : SERVICES_PER_STRUCTURE + 1
                ],
                to_attr="active_services",
            )
        )
    results = list(qs[offset : offset + limit])
    if with_services:
        for structure in results:
            active = structure.active_services  # type: ignore[attr-defined]  # set by Prefetch(to_attr=...)
            # An attribute of the instance for the views, not a model field.
            structure.services_truncated = len(active) > SERVICES_PER_STRUCTURE  # type: ignore[attr-defined]
            del active[SERVICES_PER_STRUCTURE:]
    return results


def services_search(
    *, structure: PublicStructure, query: str = "", active_only: bool = True, limit: int = 50
) -> list[Service]:
    """A structure's services whose code or name starts with ``query`` (bounded)."""
    qs = Service.objects.filter(structure=structure)
    if active_only:
        qs = qs.filter(_active_on(timezone.localdate()))
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(code__istartswith=query) | Q(name__icontains=query))
    return list(qs.order_by("code")[: max(1, min(limit, MAX_LIMIT))])


def services_by_codes(*, structure: PublicStructure, codes: list[str]) -> tuple[list[Service], list[str]]:
    """The structure's services with these codes, and the codes it does not have."""
    wanted = [c.strip() for c in codes if c.strip()]
    found = list(Service.objects.filter(structure=structure, code__in=wanted).order_by("code"))
    known = {s.code for s in found}
    return found, [c for c in wanted if c not in known]


# --- Buyers ------------------------------------------------------------------------------------


def buyer_membership_active(*, user: User, structure: PublicStructure) -> BuyerMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        BuyerMembership.objects.select_related("structure")
        .filter(user=user, structure=structure, status=MembershipStatus.ACTIVE)
        .first()
    )


def buyer_visible_services(*, membership: BuyerMembership) -> list[int] | None:
    """Ids of the services this buyer is restricted to, or None for every service."""
    ids = list(membership.services.values_list("pk", flat=True))
    return ids or None


def buyer_members(*, structure: PublicStructure) -> QuerySet[BuyerMembership]:
    """Active buyers, principal manager first, with their service restriction."""
    return (
        BuyerMembership.objects.filter(structure=structure, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("code")))
        .order_by("role", "user__last_name", "user__email", "pk")
    )


def buyer_pending_requests(*, structure: PublicStructure) -> QuerySet[BuyerMembership]:
    return (
        BuyerMembership.objects.filter(structure=structure, status=MembershipStatus.PENDING)
        .select_related("user")
        .order_by("requested_at", "pk")
    )


def buyer_member_get(*, structure: PublicStructure, pk: int) -> BuyerMembership | None:
    """A membership of ``structure`` only: an id of another structure is simply not found."""
    return BuyerMembership.objects.select_related("user").filter(structure=structure, pk=pk).first()


def user_buyer_requests(*, user: User) -> QuerySet[BuyerMembership]:
    return (
        BuyerMembership.objects.filter(user=user)
        .exclude(status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("-requested_at")
    )
