"""The public directory (annuaire) and the buyer pages.

The directory is public (no login). The buyer pages act on ``request.workspace``: a user who is
not an active member of a public structure gets a 404, and member ids are only looked up inside
the selected structure.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.roles import MANAGER_ROLES, Role
from accounts.workspace import BUYER
from suppliers.forms import RoleForm
from suppliers.views import add_service_errors, technical_account_page

from . import selectors, services
from .forms import AttachForm, BuyerApproveForm, BuyerServicesForm, DirectorySearchForm
from .models import BuyerMembership, PublicStructure, Service

PER_PAGE = 20
SERVICES_PER_PAGE = 50
MEMBERS_PER_PAGE = 50
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


def _membership(request: HttpRequest) -> BuyerMembership:
    workspace = request.workspace  # type: ignore[attr-defined]
    if workspace is None or workspace.kind != BUYER:
        raise Http404
    return workspace.membership


def _manager(request: HttpRequest) -> BuyerMembership:
    membership = _membership(request)
    if membership.role not in MANAGER_ROLES:
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))
    return membership


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


@login_required
@require_POST
def my_request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.user_buyer_requests(user=request.user).filter(pk=pk).first()
    if membership is None:
        raise Http404
    account_services.membership_remove(membership=membership, actor=request.user)
    messages.success(request, _("Votre demande est annulée."))
    return redirect("suppliers:my_requests")


@login_required
def structure_detail(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    structure = membership.structure
    is_manager = membership.role in MANAGER_ROLES
    context = {
        "structure": structure,
        "membership": membership,
        "is_manager": is_manager,
        "is_principal": membership.role == Role.PRINCIPAL,
        "my_services": list(membership.services.order_by("code")[:50]),
        "services": Paginator(selectors.services_of(structure=structure), SERVICES_PER_PAGE).get_page(
            request.GET.get("services_page")
        ),
        "members": Paginator(selectors.buyer_members(structure=structure), MEMBERS_PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "role_form": RoleForm(),
        "ns": "entities",
    }
    if is_manager:
        context["pending"] = list(selectors.buyer_pending_requests(structure=structure)[:6])
        context["technical_account"] = account_selectors.technical_account_for_structure(structure=structure)
    return render(request, "entities/structure_detail.html", context)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    membership = _manager(request)
    pending = Paginator(selectors.buyer_pending_requests(structure=membership.structure), MEMBERS_PER_PAGE)
    return render(
        request,
        "suppliers/approvals.html",
        {
            "structure": membership.structure,
            "pending": pending.get_page(request.GET.get("page")),
            "ns": "entities",
            "buyer": True,
        },
    )


def _member(request: HttpRequest, pk: int) -> tuple[BuyerMembership, BuyerMembership]:
    mine = _membership(request)
    target = selectors.buyer_member_get(structure=mine.structure, pk=pk)
    if target is None:
        raise Http404
    return mine, target


def _services_from_codes(
    request: HttpRequest, structure: PublicStructure, codes: list[str]
) -> list[Service] | None:
    found, missing = selectors.services_by_codes(structure=structure, codes=codes)
    if missing:
        messages.error(
            request,
            _("Services inconnus dans %(name)s : %(codes)s.")
            % {"name": structure.name, "codes": ", ".join(missing)},
        )
        return None
    return found


def _run(request: HttpRequest, action, success: str, **kwargs) -> bool:
    try:
        action(actor=request.user, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def member_approve(request: HttpRequest, pk: int) -> HttpResponse:
    mine, target = _member(request, pk)
    form = BuyerApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le rôle « utilisateur » ou « gestionnaire secondaire »."))
        return redirect("entities:approvals")
    chosen = _services_from_codes(request, mine.structure, form.cleaned_data["services"])
    if chosen is not None:
        _run(
            request,
            services.buyer_membership_approve,
            _("%(user)s est maintenant membre de la structure.") % {"user": target.user},
            membership=target,
            role=form.cleaned_data["role"],
            services=chosen,
        )
    return redirect("entities:approvals")


@login_required
@require_POST
def member_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    _mine, target = _member(request, pk)
    _run(
        request,
        services.buyer_membership_refuse,
        _("La demande de %(user)s est refusée.") % {"user": target.user},
        membership=target,
    )
    return redirect("entities:approvals")


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    _mine, target = _member(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le rôle « utilisateur » ou « gestionnaire secondaire »."))
    else:
        _run(
            request,
            services.buyer_membership_change_role,
            _("Le rôle de %(user)s est modifié.") % {"user": target.user},
            membership=target,
            role=form.cleaned_data["role"],
        )
    return redirect("entities:structure_detail")


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    mine, target = _member(request, pk)
    leaving = target.pk == mine.pk
    _run(
        request,
        services.buyer_membership_remove,
        _("%(user)s ne fait plus partie de la structure.") % {"user": target.user},
        membership=target,
    )
    return redirect("dashboard" if leaving else "entities:structure_detail")


@login_required
@require_POST
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    _mine, target = _member(request, pk)
    _run(
        request,
        services.buyer_principal_transfer,
        _("%(user)s est maintenant le gestionnaire principal.") % {"user": target.user},
        membership=target,
    )
    return redirect("entities:structure_detail")


@login_required
@require_http_methods(["GET", "POST"])
def member_services(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict a buyer to some services of the structure (managers)."""
    mine, target = _member(request, pk)
    if mine.role not in MANAGER_ROLES:
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))
    current = " ".join(target.services.order_by("code").values_list("code", flat=True)[:500])
    form = BuyerServicesForm(request.POST or None, initial={"services": current})
    if request.method == "POST" and form.is_valid():
        found, missing = selectors.services_by_codes(
            structure=mine.structure, codes=form.cleaned_data["services"]
        )
        if missing:
            form.add_error(
                "services",
                _("Services inconnus dans %(name)s : %(codes)s.")
                % {"name": mine.structure.name, "codes": ", ".join(missing)},
            )
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


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def technical_account(request: HttpRequest) -> HttpResponse:
    membership = _manager(request)
    return technical_account_page(request, membership.structure, namespace="entities")
