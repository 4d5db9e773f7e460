"""Portal-wide pages: home, error pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# Ordonnance n° 2014-697 of 26 June 2014, art. 3: who must invoice electronically, and from when.
OBLIGATION_CALENDAR = [
    (date(2017, 1, 1), _("Grandes entreprises (plus de 5 000 salariés) et personnes publiques")),
    (date(2018, 1, 1), _("Entreprises de taille intermédiaire (250 à 4 999 salariés)")),
    (date(2019, 1, 1), _("Petites et moyennes entreprises (10 à 249 salariés)")),
    (date(2020, 1, 1), _("Microentreprises (moins de 10 salariés)")),
]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"calendar": OBLIGATION_CALENDAR})


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
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
