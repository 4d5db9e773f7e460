from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from invoices.models import Invoice
from tracking.statuses import InvoiceStatus

from .workspace import select_workspace, workspaces_for_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home of a logged-in user, for the structure they work on."""
    workspace = request.workspace  # type: ignore[attr-defined]
    counts: list[tuple[str, str, int]] = []
    if workspace is not None:
        if workspace.is_supplier:
            qs = Invoice.objects.filter(supplier_id=workspace.membership.structure_id)
        else:
            qs = Invoice.objects.filter(recipient_id=workspace.membership.structure_id).exclude(
                status=InvoiceStatus.BROUILLON
            )
        # One grouped query on an indexed column: bounded by the number of statuses.
        by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
        counts = [
            (code, label, by_status[code]) for code, label in InvoiceStatus.choices
            if by_status.get(code)
        ]
    return render(request, "portal/dashboard.html", {"workspace": workspace, "counts": counts})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_select(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        workspace = select_workspace(request, request.POST.get("workspace", ""))
        if workspace is None:
            messages.error(request, _("Vous n'êtes pas rattaché à cette structure."))
        else:
            messages.success(
                request, _("Vous travaillez maintenant pour %(name)s.") % {"name": workspace.structure.name}
            )
            return redirect("dashboard")
    return render(request, "portal/workspace_select.html", {"choices": workspaces_for_user(request.user)})
