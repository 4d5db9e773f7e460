from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .workspace import select_workspace, workspaces_for_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home of a logged-in user, for the structure they work on."""
    from entities.inbox.selectors import status_counts
    from entities.selectors import buyer_visible_services
    from tracking.selectors import sent_status_counts

    workspace = request.workspace  # type: ignore[attr-defined]
    counts: list[tuple[str, str, int, bool]] = []
    if workspace is not None:
        # Each count reads at most a bounded number of index entries: never a full COUNT(*)
        # over the millions of invoices of a large structure.
        if workspace.is_supplier:
            counts = sent_status_counts(supplier_id=workspace.membership.structure_id)
        else:
            counts = [
                (c.status, c.label, c.count, c.capped)
                for c in status_counts(
                    structure=workspace.structure,
                    service_ids=buyer_visible_services(membership=workspace.membership),
                )
            ]
    context: dict = {"workspace": workspace, "counts": counts}
    if workspace is None and request.user.is_staff:
        context["staff_tiles"] = staff_overview_tiles()
    return render(request, "portal/dashboard.html", context)


def staff_overview_tiles() -> list[tuple[str, str, str]]:
    """The administrator's overview: the support requests waiting, and the steering pages."""
    from django.urls import reverse

    from helpcentre.models import RequestStatus
    from helpcentre.selectors import support_request_counts

    counts = support_request_counts()
    waiting = counts.get(RequestStatus.OPEN, 0) + counts.get(RequestStatus.IN_PROGRESS, 0)
    return [
        (
            reverse("helpcentre:staff_requests"),
            _("Sollicitations"),
            _("%(n)d sollicitation(s) à traiter.") % {"n": waiting},
        ),
        (reverse("compliance:dashboard"), _("Conformité"), _("Le respect du calendrier d'obligation.")),
        (
            reverse("compliance:statistics"),
            _("Statistiques"),
            _("Volumes, délais et ponctualité des paiements."),
        ),
        (reverse("admin:index"), _("Administration"), _("Utilisateurs, structures, articles d'aide.")),
    ]


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
