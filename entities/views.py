"""The public directory (annuaire) and the buyer pages.

The directory is public (no login). The buyer pages act on ``request.workspace``: a user who is
not an active member of a public structure gets a 404, and member ids are only looked up inside
the selected structure.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from accounts.membership_views import MembershipPages, add_service_errors, role_choice_error
from accounts.roles import MANAGER_ROLES
from accounts.workspace import BUYER

from . import selectors, services
from .forms import AttachForm, BuyerApproveForm, BuyerServicesForm, DirectorySearchForm
from .models import BuyerMembership, PublicStructure, Service

PER_PAGE = 20
SERVICES_PER_PAGE = 50
JSON_LIMIT = 20


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), selectors.MAX_OFFSET // PER_PAGE + 1))
    except ValueError:
        return 1


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Search recipients by SIRET, name, postcode or city; no COUNT: "next page" is known by
    asking for one more row than shown."""
    form = DirectorySearchForm(request.GET or None)
    page = _page_number(request)
    criteria = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.directory_search(
        query=criteria.get("q", ""),
        postcode=criteria.get("postcode", ""),
        city=criteria.get("city", ""),
        limit=PER_PAGE + 1,
        offset=(page - 1) * PER_PAGE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "entities/directory.html",
        {
            "form": form,
            "results": rows[:PER_PAGE],
            "page": page,
            "has_next": len(rows) > PER_PAGE,
            "has_previous": page > 1,
            "querystring": query.urlencode(),
            "searched": bool(criteria and any(criteria.values())),
            "offset_capped": page * PER_PAGE >= selectors.MAX_OFFSET,
        },
    )


def directory_detail(request: HttpRequest, siret: str) -> HttpResponse:
    structure = selectors.public_structure_get(siret=siret)
    if structure is None:
        raise Http404
    service_query = request.GET.get("service", "").strip()
    services_qs = selectors.services_active(structure=structure)
    if service_query:
        services_qs = services_qs.filter(
            Q(code__istartswith=service_query) | Q(name__icontains=service_query)
        )
    services_page = Paginator(services_qs, SERVICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "entities/directory_detail.html",
        {
            "structure": structure,
            "services": services_page,
            "service_query": service_query,
            "extra": urlencode({"service": service_query}) if service_query else "",
        },
    )


def _service_json(service: Service) -> dict:
    return {"code": service.code, "name": service.name, "engagement_required": service.engagement_required}


def _structure_json(structure: PublicStructure, *, public_sender: bool) -> dict:
    return {
        "id": structure.pk,
        "siret": structure.siret,
        "name": structure.name,
        "postcode": structure.postcode,
        "city": structure.city,
        "service_code_required": structure.service_code_required,
        "engagement_required": structure.engagement_required,
        "engagement_or_service_required": structure.engagement_or_service_required,
        # FACTURES_PUBLIQUES is offered only to public bodies invoicing each other (reference §3.3).
        "services": [
            _service_json(s)
            for s in structure.active_services
            if public_sender or not selectors.service_is_reserved_for_public_bodies(service=s)
        ],
        "services_truncated": structure.services_truncated,
    }


@require_GET
@cache_control(max_age=60, private=True)  # the reserved service depends on who asks
def directory_search_json(request: HttpRequest) -> JsonResponse:
    """Search as you type for the invoice form: active structures and their active services.

    Two queries whatever the answer (structures, then their services); nothing for fewer than
    2 characters, so that each keystroke stays cheap.
    """
    query = request.GET.get("q", "").strip()[:120]
    if len(query) < 2:
        return JsonResponse({"results": []})
    rows = selectors.directory_search(query=query, limit=JSON_LIMIT, with_services=True)
    workspace = getattr(request, "workspace", None)
    public_sender = bool(workspace and workspace.is_supplier and workspace.structure.is_public)
    return JsonResponse({"results": [_structure_json(s, public_sender=public_sender) for s in rows]})


@require_GET
@cache_control(max_age=60)
def directory_services_json(request: HttpRequest, siret: str) -> JsonResponse:
    """A structure's active services whose code or name matches ``q`` (for structures with many)."""
    structure = selectors.public_structure_get_active(siret=siret)
    if structure is None:
        raise Http404
    found = selectors.services_search(structure=structure, query=request.GET.get("q", "")[:100])
    return JsonResponse({"results": [_service_json(s) for s in found]})


# --- Buyer pages -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attach_request(request: HttpRequest) -> HttpResponse:
    form = AttachForm(request.POST or None, initial={"siret": request.GET.get("siret", "")})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.buyer_membership_request(
                user=request.user, siret=form.cleaned_data["siret"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Votre demande de rattachement à %(name)s est envoyée à ses gestionnaires. Vous y "
                    "aurez accès "
                    "dès qu'ils l'auront approuvée."
                )
                % {"name": membership.structure.name},
            )
            return redirect("suppliers:my_requests")
    return render(request, "entities/attach.html", {"form": form})


def _unknown_services(structure: PublicStructure, missing: list[str]) -> str:
    return _("Services inconnus dans %(name)s : %(codes)s.") % {
        "name": structure.name,
        "codes": ", ".join(missing),
    }


def _services_from_codes(
    request: HttpRequest, structure: PublicStructure, codes: list[str]
) -> list[Service] | None:
    found, missing = selectors.services_by_codes(structure=structure, codes=codes)
    if missing:
        messages.error(request, _unknown_services(structure, missing))
        return None
    return found


def _approve_arguments(request: HttpRequest, mine: BuyerMembership) -> dict[str, Any] | None:
    """A buyer may be approved for some services of the structure only (an empty choice: all)."""
    form = BuyerApproveForm(request.POST)
    if not form.is_valid():
        role_choice_error(request)
        return None
    chosen = _services_from_codes(request, mine.structure, form.cleaned_data["services"])
    if chosen is None:
        return None
    return {"role": form.cleaned_data["role"], "services": chosen}


def _detail_context(request: HttpRequest, membership: BuyerMembership) -> dict[str, Any]:
    return {
        "my_services": list(membership.services.order_by("code")[:50]),
        "services": Paginator(
            selectors.services_of(structure=membership.structure), SERVICES_PER_PAGE
        ).get_page(request.GET.get("services_page")),
    }


PAGES = MembershipPages(
    kind=BUYER,
    namespace="entities",
    detail_template="entities/structure_detail.html",
    members=selectors.buyer_members,
    pending_requests=selectors.buyer_pending_requests,
    member_get=selectors.buyer_member_get,
    user_requests=selectors.user_buyer_requests,
    approve=services.buyer_membership_approve,
    refuse=services.buyer_membership_refuse,
    change_role=services.buyer_membership_change_role,
    remove=services.buyer_membership_remove,
    transfer=services.buyer_principal_transfer,
    approve_arguments=_approve_arguments,
    detail_context=_detail_context,
    restricts_services=True,
)

# The member management pages are shared with supplier structures (accounts.membership_views).
my_request_cancel = PAGES.my_request_cancel
structure_detail = PAGES.structure_detail
approvals = PAGES.approvals
member_approve = PAGES.member_approve
member_refuse = PAGES.member_refuse
member_role = PAGES.member_role
member_remove = PAGES.member_remove
member_transfer = PAGES.member_transfer
technical_account = PAGES.technical_account


@login_required
@require_http_methods(["GET", "POST"])
def member_services(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict a buyer to some services of the structure (managers)."""
    mine, target = PAGES.member(request, pk)
    if mine.role not in MANAGER_ROLES:
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))
    current = " ".join(target.services.order_by("code").values_list("code", flat=True)[:500])
    form = BuyerServicesForm(request.POST or None, initial={"services": current})
    if request.method == "POST" and form.is_valid():
        found, missing = selectors.services_by_codes(
            structure=mine.structure, codes=form.cleaned_data["services"]
        )
        if missing:
            form.add_error("services", _unknown_services(mine.structure, missing))
        else:
            try:
                services.buyer_membership_set_services(membership=target, actor=request.user, services=found)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Les services accessibles à %(user)s sont enregistrés.") % {"user": target.user},
                )
                return redirect("entities:structure_detail")
    return render(
        request,
        "entities/member_services.html",
        {
            "structure": mine.structure,
            "target": target,
            "form": form,
        },
    )
