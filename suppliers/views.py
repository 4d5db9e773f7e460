"""Supplier pages. Each one acts on ``request.workspace``, the structure the user selected: a user
who is not an active member of a supplier structure gets a 404, and ids (members, bank accounts)
are only looked up inside that structure, so another structure's id answers like an unknown one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import RoleForm
from accounts.membership_views import MembershipPages, add_service_errors
from accounts.roles import Role
from accounts.workspace import SUPPLIER, select_workspace

from . import selectors, services
from .forms import BankAccountForm, JoinForm, StructureCreateForm, StructureDataForm
from .models import SupplierMembership


def _detail_context(request: HttpRequest, membership: SupplierMembership) -> dict[str, Any]:
    structure = membership.structure
    return {
        "obligation_date": selectors.supplier_obligation_date(structure=structure),
        "bank_accounts": selectors.supplier_bank_accounts(structure=structure)[:50],
    }


def _approve_arguments(request: HttpRequest, mine: SupplierMembership) -> dict[str, Any]:
    form = RoleForm(request.POST)
    return {"role": form.cleaned_data["role"] if form.is_valid() else Role.USER}


PAGES = MembershipPages(
    kind=SUPPLIER,
    namespace="suppliers",
    detail_template="suppliers/structure_detail.html",
    members=selectors.supplier_members,
    pending_requests=selectors.supplier_pending_requests,
    member_get=selectors.supplier_member_get,
    user_requests=selectors.user_supplier_requests,
    approve=services.supplier_membership_approve,
    refuse=services.supplier_membership_refuse,
    change_role=services.supplier_membership_change_role,
    remove=services.supplier_membership_remove,
    transfer=services.supplier_principal_transfer,
    approve_arguments=_approve_arguments,
    detail_context=_detail_context,
)
_manager = PAGES.manager

# The member management pages are shared with public structures (accounts.membership_views).
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
def structure_create(request: HttpRequest) -> HttpResponse:
    form = StructureCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            structure = services.supplier_structure_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            select_workspace(request, f"{SUPPLIER}:{structure.pk}")
            messages.success(
                request,
                _("La structure %(name)s est créée : vous en êtes le gestionnaire principal.")
                % {"name": structure.name},
            )
            return redirect("suppliers:structure_detail")
    return render(request, "suppliers/structure_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def structure_join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.supplier_membership_request(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Votre demande pour rejoindre %(name)s est envoyée à ses gestionnaires. Vous y aurez "
                    "accès dès "
                    "qu'ils l'auront approuvée."
                )
                % {"name": membership.structure.name},
            )
            return redirect("suppliers:my_requests")
    return render(request, "suppliers/join.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def structure_update(request: HttpRequest) -> HttpResponse:
    membership = _manager(request)
    structure = membership.structure
    initial = {name: getattr(structure, name) for name in StructureDataForm.base_fields}
    form = StructureDataForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_structure_update(structure=structure, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Les données de la structure sont enregistrées."))
            return redirect("suppliers:structure_detail")
    return render(request, "suppliers/structure_form.html", {"form": form, "structure": structure})


@login_required
@require_http_methods(["GET", "POST"])
def bank_account_add(request: HttpRequest) -> HttpResponse:
    membership = _manager(request)
    form = BankAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_account_add(structure=membership.structure, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Les coordonnées bancaires sont ajoutées."))
            return redirect("suppliers:structure_detail")
    return render(
        request, "suppliers/bank_account_form.html", {"form": form, "structure": membership.structure}
    )


@login_required
@require_POST
def bank_account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _manager(request)
    account = selectors.supplier_bank_account_get(structure=membership.structure, pk=pk)
    if account is None:
        raise Http404
    services.bank_account_deactivate(account=account, actor=request.user)
    messages.success(request, _("L'IBAN %(iban)s n'est plus utilisé.") % {"iban": account.iban})
    return redirect("suppliers:structure_detail")


# --- Search as you type: the validator or maître d'œuvre of an invoice ------------------------


@login_required
@require_GET
@cache_control(max_age=60, private=True)  # the caller's own structure is left out
def structure_search_json(request: HttpRequest) -> JsonResponse:
    """Companies (SIRET) by name or SIRET prefix, for the invoice form's validator field: at most
    10, nothing for fewer than 2 characters. Names and SIRETs of companies are public (SIRENE);
    private persons are never listed (``selectors.supplier_structures_search``)."""
    query = request.GET.get("q", "").strip()[:120]
    if len(query) < 2:
        return JsonResponse({"results": []})
    workspace = getattr(request, "workspace", None)
    own = workspace.membership.structure_id if workspace is not None and workspace.is_supplier else None
    rows = selectors.supplier_structures_search(query=query, exclude_id=own)
    return JsonResponse(
        {
            "results": [
                {"siret": s.identifier, "name": s.name, "postcode": s.postcode, "city": s.city} for s in rows
            ]
        }
    )
