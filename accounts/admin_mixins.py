"""Admin of supplier and buyer memberships, shared by ``suppliers.admin`` and ``entities.admin``.

Role and status never change by editing a row: the administration acts through the same services
as the portal (approval flow, one principal manager per structure), as staff (``by_staff=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def run_membership_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, action, done: str
) -> None:
    """Apply a membership service to each selected row, as the administration (by_staff)."""
    ok = 0
    for membership in queryset.order_by("pk"):
        try:
            action(membership=membership, actor=request.user, by_staff=True)
            ok += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(
                request, f"{membership} : {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
            )
    if ok:
        modeladmin.message_user(request, done % {"n": ok}, messages.SUCCESS)


class MembershipAdminBase(admin.ModelAdmin):
    """Subclasses name their services: ``approve_service``, ``refuse_service`` and
    ``transfer_service`` (each called with ``membership``, ``actor`` and ``by_staff``)."""

    list_display = ["user", "structure", "role", "status", "requested_at", "decided_at"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "user__last_name", "structure__name"]
    raw_id_fields = ["user", "structure"]
    list_select_related = ["user", "structure"]
    # Role and status only change through the actions: approval flow, one principal manager.
    readonly_fields = ["role", "status", "requested_at", "decided_at", "decided_by"]
    show_full_result_count = False
    actions = ["approve", "refuse", "make_principal"]

    approve_service: Callable[..., Any]
    refuse_service: Callable[..., Any]
    transfer_service: Callable[..., Any]

    @admin.action(description=_("Approuver les demandes sélectionnées"))
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_membership_action(
            self, request, queryset, self.approve_service, _("%(n)d demande(s) approuvée(s).")
        )

    @admin.action(description=_("Refuser les demandes sélectionnées"))
    def refuse(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_membership_action(self, request, queryset, self.refuse_service, _("%(n)d demande(s) refusée(s)."))

    @admin.action(description=_("Nommer gestionnaire principal"))
    def make_principal(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_membership_action(
            self,
            request,
            queryset,
            self.transfer_service,
            _("%(n)d gestionnaire(s) principal(aux) nommé(s)."),
        )
