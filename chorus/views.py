"""Portal-wide pages: home, error pages."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entities.selectors import buyer_visible_services
from helpcentre.models import RequestStatus
from helpcentre.selectors import support_request_counts
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
    context: dict = {"workspace": workspace, "counts": counts}
    if workspace is None and request.user.is_staff:
        context["staff_tiles"] = staff_overview_tiles()
    return render(request, "portal/dashboard.html", context)


def staff_overview_tiles() -> list[tuple[str, str, str]]:
    """The administrator's overview: the support requests waiting, and the steering pages."""
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


# The footer pages every French public website has (DSFR footer, « Mentions légales »,
# « Données personnelles », « Gestion des cookies », the accessibility statement of art. 47 of the
# loi n° 2005-102).
LEGAL_PAGES = {
    "mentions_legales": "portal/legal/mentions_legales.html",
    "donnees_personnelles": "portal/legal/donnees_personnelles.html",
    "cookies": "portal/legal/cookies.html",
    "accessibilite": "portal/legal/accessibilite.html",
}


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    return render(request, LEGAL_PAGES[page])


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may come from it.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
