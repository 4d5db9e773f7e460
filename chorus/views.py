"""Portal-wide pages: home, error pages."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _

from entities.selectors import buyer_visible_services
from tracking.inbox.selectors import status_counts
from tracking.selectors import sent_status_counts

# Ordonnance n° 2014-697 of 26 June 2014, art. 3: who must invoice electronically, and from when.
OBLIGATION_CALENDAR = [
    (date(2017, 1, 1), _("Grandes entreprises (plus de 5 000 salariés) et personnes publiques")),
    (date(2018, 1, 1), _("Entreprises de taille intermédiaire (250 à 4 999 salariés)")),
    (date(2019, 1, 1), _("Petites et moyennes entreprises (10 à 249 salariés)")),
    (date(2020, 1, 1), _("Microentreprises (moins de 10 salariés)")),
]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"calendar": OBLIGATION_CALENDAR})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home of a logged-in user, for the structure they work on."""
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
    return render(request, "portal/dashboard.html", {"workspace": workspace, "counts": counts})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may come from it.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
