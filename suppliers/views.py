"""Supplier pages. Each one acts on ``request.workspace``, the structure the user selected: a user
who is not an active member of a supplier structure gets a 404, and ids (members, bank accounts)
are only looked up inside that structure, so another structure's id answers like an unknown one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.roles import MANAGER_ROLES, Role
from accounts.workspace import SUPPLIER, select_workspace
from entities.selectors import user_buyer_requests

from . import selectors, services
from .forms import (
    BankAccountForm,
    JoinForm,
    RoleForm,
    StructureCreateForm,
    StructureDataForm,
    TechnicalAccountForm,
    TechnicalAccountRenewForm,
)
from .models import SupplierMembership

MEMBERS_PER_PAGE = 50


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's errors next to their fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _membership(request: HttpRequest) -> SupplierMembership:
    workspace = request.workspace  # type: ignore[attr-defined]
    if workspace is None or workspace.kind != SUPPLIER:
        raise Http404
    return workspace.membership


def _manager(request: HttpRequest) -> SupplierMembership:
    membership = _membership(request)
    if membership.role not in MANAGER_ROLES:
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))
    return membership


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
def my_requests(request: HttpRequest) -> HttpResponse:
    """The user's requests to join supplier and public structures, not yet approved."""
    return render(
        request,
        "suppliers/my_requests.html",
        {
            "supplier_requests": selectors.user_supplier_requests(user=request.user)[:50],
            "buyer_requests": user_buyer_requests(user=request.user)[:50],
        },
    )


@login_required
@require_POST
def my_request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.user_supplier_requests(user=request.user).filter(pk=pk).first()
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
    members = Paginator(selectors.supplier_members(structure=structure), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "structure": structure,
        "membership": membership,
        "is_manager": is_manager,
        "is_principal": membership.role == Role.PRINCIPAL,
        "obligation_date": selectors.supplier_obligation_date(structure=structure),
        "bank_accounts": selectors.supplier_bank_accounts(structure=structure)[:50],
        "members": members,
        "role_form": RoleForm(),
        "ns": "suppliers",
    }
    if is_manager:
        context["pending"] = list(selectors.supplier_pending_requests(structure=structure)[:6])
        context["technical_account"] = account_selectors.technical_account_for_structure(structure=structure)
    return render(request, "suppliers/structure_detail.html", context)


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


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """ "Approbations": requests to join the structure, for its managers."""
    membership = _manager(request)
    pending = Paginator(selectors.supplier_pending_requests(structure=membership.structure), MEMBERS_PER_PAGE)
    return render(
        request,
        "suppliers/approvals.html",
        {
            "structure": membership.structure,
            "pending": pending.get_page(request.GET.get("page")),
            "role_form": RoleForm(),
            "ns": "suppliers",
        },
    )


def _member(request: HttpRequest, pk: int) -> tuple[SupplierMembership, SupplierMembership]:
    mine = _membership(request)
    target = selectors.supplier_member_get(structure=mine.structure, pk=pk)
    if target is None:
        raise Http404
    return mine, target


def _run(request: HttpRequest, action, success: str, **kwargs) -> None:
    try:
        action(actor=request.user, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def member_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _mine, target = _member(request, pk)
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else Role.USER
    _run(
        request,
        services.supplier_membership_approve,
        _("%(user)s est maintenant membre de la structure.") % {"user": target.user},
        membership=target,
        role=role,
    )
    return redirect("suppliers:approvals")


@login_required
@require_POST
def member_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    _mine, target = _member(request, pk)
    _run(
        request,
        services.supplier_membership_refuse,
        _("La demande de %(user)s est refusée.") % {"user": target.user},
        membership=target,
    )
    return redirect("suppliers:approvals")


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
            services.supplier_membership_change_role,
            _("Le rôle de %(user)s est modifié.") % {"user": target.user},
            membership=target,
            role=form.cleaned_data["role"],
        )
    return redirect("suppliers:structure_detail")


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    mine, target = _member(request, pk)
    leaving = target.pk == mine.pk
    _run(
        request,
        services.supplier_membership_remove,
        _("%(user)s ne fait plus partie de la structure.") % {"user": target.user},
        membership=target,
    )
    return redirect("dashboard" if leaving else "suppliers:structure_detail")


@login_required
@require_POST
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    _mine, target = _member(request, pk)
    _run(
        request,
        services.supplier_principal_transfer,
        _("%(user)s est maintenant le gestionnaire principal.") % {"user": target.user},
        membership=target,
    )
    return redirect("suppliers:structure_detail")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def technical_account(request: HttpRequest) -> HttpResponse:
    membership = _manager(request)
    return technical_account_page(request, membership.structure, namespace="suppliers")


def technical_account_page(request: HttpRequest, structure, *, namespace: str) -> HttpResponse:
    """Create or renew the structure's technical account; the password is shown on this answer
    only (never stored in clear, never in a message or a redirect)."""
    account = account_selectors.technical_account_for_structure(structure=structure)
    form_class = TechnicalAccountRenewForm if account else TechnicalAccountForm
    form = form_class(request.POST or None)
    password = None
    if request.method == "POST" and form.is_valid():
        try:
            if account is None:
                account, password = account_services.technical_account_create(
                    structure=structure, actor=request.user, **form.cleaned_data
                )
            else:
                account, password = account_services.technical_account_renew(
                    account=account, actor=request.user, **form.cleaned_data
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TechnicalAccountRenewForm()
    response = render(
        request,
        "suppliers/technical_account.html",
        {
            "structure": structure,
            "account": account,
            "form": form,
            "password": password,
            "ns": namespace,
            "expires_soon": account is not None
            and account_selectors.technical_account_expires_soon(account=account),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
