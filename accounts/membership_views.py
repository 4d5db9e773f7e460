"""Member management pages shared by supplier structures and public structures.

Supplier and buyer memberships follow the same approval flow (``accounts.services``), so the pages
that manage them (approvals, role change, removal, transfer of the principal manager, technical
account, cancelling one's own request) are written once here. ``suppliers.views`` and
``entities.views`` each build one :class:`MembershipPages` with their membership selectors,
services, URL namespace and what is genuinely theirs (a buyer may be restricted to some services).

Access rules: every page acts on ``request.workspace``; a user who is not an active member of a
structure of this kind gets a 404, and member ids are only looked up inside the selected structure,
so another structure's id answers like an unknown one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors as account_selectors
from . import services as account_services
from .forms import RoleForm, TechnicalAccountForm, TechnicalAccountRenewForm
from .roles import MANAGER_ROLES, Role

if TYPE_CHECKING:
    from .services import Membership, Structure

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


def run_action(request: HttpRequest, action: Callable[..., Any], success: str, **kwargs: Any) -> bool:
    """Call a membership service as the current user; its refusal becomes an error message."""
    try:
        action(actor=request.user, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def role_choice_error(request: HttpRequest) -> None:
    messages.error(request, _("Choisissez le rôle « utilisateur » ou « gestionnaire secondaire »."))


def technical_account_page(request: HttpRequest, structure: Structure, *, namespace: str) -> HttpResponse:
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
        "accounts/technical_account.html",
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


@dataclass(frozen=True)
class MembershipPages:
    """The member management pages of one kind of structure.

    The view methods are bound to an instance in the app's ``views.py`` (``member_role =
    PAGES.member_role``) so that URL names, paths and templates stay the app's own.
    """

    kind: str  # accounts.workspace.SUPPLIER or BUYER
    namespace: str  # URL namespace of the app ("suppliers", "entities")
    detail_template: str
    # Selectors, all scoped to one structure (or to the user's own requests).
    members: Callable[..., Any]  # (structure=) -> active members
    pending_requests: Callable[..., Any]  # (structure=) -> requests awaiting approval
    member_get: Callable[..., Membership | None]  # (structure=, pk=)
    user_requests: Callable[..., Any]  # (user=) -> the user's own pending requests
    # Services.
    approve: Callable[..., Any]
    refuse: Callable[..., Any]
    change_role: Callable[..., Any]
    remove: Callable[..., Any]
    transfer: Callable[..., Any]
    # What differs between the kinds: the approval's extra arguments (None when the posted choice
    # is refused, after an error message) and the structure page's own context.
    approve_arguments: Callable[[HttpRequest, Membership], dict[str, Any] | None]
    detail_context: Callable[[HttpRequest, Membership], dict[str, Any]]
    restricts_services: bool = False

    # --- Access ----------------------------------------------------------------------------

    def membership(self, request: HttpRequest) -> Membership:
        """The user's active membership of the selected structure, or 404."""
        workspace = request.workspace  # type: ignore[attr-defined]
        if workspace is None or workspace.kind != self.kind:
            raise Http404
        return workspace.membership

    def manager(self, request: HttpRequest) -> Membership:
        membership = self.membership(request)
        if membership.role not in MANAGER_ROLES:
            raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))
        return membership

    def member(self, request: HttpRequest, pk: int) -> tuple[Membership, Membership]:
        """(the user's membership, the member ``pk`` of the same structure), or 404."""
        mine = self.membership(request)
        target = self.member_get(structure=mine.structure, pk=pk)
        if target is None:
            raise Http404
        return mine, target

    def _back(self, page: str) -> HttpResponse:
        return redirect(f"{self.namespace}:{page}")

    # --- Pages -----------------------------------------------------------------------------

    @method_decorator([login_required, require_POST])
    def my_request_cancel(self, request: HttpRequest, pk: int) -> HttpResponse:
        membership = self.user_requests(user=request.user).filter(pk=pk).first()
        if membership is None:
            raise Http404
        account_services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, _("Votre demande est annulée."))
        return redirect("suppliers:my_requests")

    @method_decorator(login_required)
    def structure_detail(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership(request)
        structure = membership.structure
        is_manager = membership.role in MANAGER_ROLES
        context = {
            "structure": structure,
            "membership": membership,
            "is_manager": is_manager,
            "is_principal": membership.role == Role.PRINCIPAL,
            **self.detail_context(request, membership),
            "members": Paginator(self.members(structure=structure), MEMBERS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "role_form": RoleForm(),
            "ns": self.namespace,
        }
        if is_manager:
            context["pending"] = list(self.pending_requests(structure=structure)[:6])
            context["technical_account"] = account_selectors.technical_account_for_structure(
                structure=structure
            )
        return render(request, self.detail_template, context)

    @method_decorator(login_required)
    def approvals(self, request: HttpRequest) -> HttpResponse:
        """ "Approbations": requests to join the structure, for its managers."""
        membership = self.manager(request)
        pending = Paginator(self.pending_requests(structure=membership.structure), MEMBERS_PER_PAGE)
        return render(
            request,
            "accounts/approvals.html",
            {
                "structure": membership.structure,
                "pending": pending.get_page(request.GET.get("page")),
                "ns": self.namespace,
                "buyer": self.restricts_services,
            },
        )

    @method_decorator([login_required, require_POST])
    def member_approve(self, request: HttpRequest, pk: int) -> HttpResponse:
        mine, target = self.member(request, pk)
        arguments = self.approve_arguments(request, mine)
        if arguments is not None:
            run_action(
                request,
                self.approve,
                _("%(user)s est maintenant membre de la structure.") % {"user": target.user},
                membership=target,
                **arguments,
            )
        return self._back("approvals")

    @method_decorator([login_required, require_POST])
    def member_refuse(self, request: HttpRequest, pk: int) -> HttpResponse:
        _mine, target = self.member(request, pk)
        run_action(
            request,
            self.refuse,
            _("La demande de %(user)s est refusée.") % {"user": target.user},
            membership=target,
        )
        return self._back("approvals")

    @method_decorator([login_required, require_POST])
    def member_role(self, request: HttpRequest, pk: int) -> HttpResponse:
        _mine, target = self.member(request, pk)
        form = RoleForm(request.POST)
        if not form.is_valid():
            role_choice_error(request)
        else:
            run_action(
                request,
                self.change_role,
                _("Le rôle de %(user)s est modifié.") % {"user": target.user},
                membership=target,
                role=form.cleaned_data["role"],
            )
        return self._back("structure_detail")

    @method_decorator([login_required, require_POST])
    def member_remove(self, request: HttpRequest, pk: int) -> HttpResponse:
        mine, target = self.member(request, pk)
        leaving = target.pk == mine.pk
        run_action(
            request,
            self.remove,
            _("%(user)s ne fait plus partie de la structure.") % {"user": target.user},
            membership=target,
        )
        # Who leaves no longer sees the structure page.
        return redirect("dashboard") if leaving else self._back("structure_detail")

    @method_decorator([login_required, require_POST])
    def member_transfer(self, request: HttpRequest, pk: int) -> HttpResponse:
        _mine, target = self.member(request, pk)
        run_action(
            request,
            self.transfer,
            _("%(user)s est maintenant le gestionnaire principal.") % {"user": target.user},
            membership=target,
        )
        return self._back("structure_detail")

    @method_decorator([never_cache, login_required, require_http_methods(["GET", "POST"])])
    def technical_account(self, request: HttpRequest) -> HttpResponse:
        membership = self.manager(request)
        return technical_account_page(request, membership.structure, namespace=self.namespace)
