"""Portal pages of the API: OAuth applications (each user manages theirs, administrators see
all), the API guide ("Démarrer avec l'API")."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ApplicationActionForm, OAuthApplicationForm
from .samples import demo_facturx
from .selectors import oauth_application_get_for_user, oauth_applications_all, oauth_applications_for_user
from .services import (
    oauth_application_create,
    oauth_application_delete,
    oauth_application_rotate_secret,
    oauth_application_set_active,
)

# The secret is shown once, on the page right after its creation or renewal, then forgotten.
SESSION_SECRET = "cpro_new_secret"  # noqa: S105 - a session key name, not a secret


def guide(request: HttpRequest) -> HttpResponse:
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return render(request, "cpro/guide.html", {"base_url": base, "title": _("Démarrer avec l'API")})


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    show_all = request.user.is_staff and request.GET.get("toutes") == "1"
    qs = oauth_applications_all() if show_all else oauth_applications_for_user(user=request.user)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cpro/application_list.html",
        {
            "page_obj": page,
            "show_all": show_all,
            "title": _("Applications OAuth (API)"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    form = OAuthApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application, secret = oauth_application_create(owner=request.user, name=form.cleaned_data["name"])
        request.session[SESSION_SECRET] = {"pk": application.pk, "secret": secret}
        messages.success(
            request, _("Application créée. Copiez son secret maintenant : il ne sera plus affiché.")
        )
        return redirect("cpro:application_detail", pk=application.pk)
    return render(
        request, "cpro/application_form.html", {"form": form, "title": _("Nouvelle application OAuth")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = oauth_application_get_for_user(user=request.user, pk=pk)
    if application is None:
        raise Http404
    if request.method == "POST":
        form = ApplicationActionForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            if action == "rotate":
                secret = oauth_application_rotate_secret(application=application)
                request.session[SESSION_SECRET] = {"pk": application.pk, "secret": secret}
                messages.success(
                    request, _("Nouveau secret généré : l'ancien et ses jetons ne fonctionnent plus.")
                )
            elif action in ("activate", "deactivate"):
                oauth_application_set_active(application=application, active=action == "activate")
                messages.success(
                    request,
                    _("Application activée.")
                    if action == "activate"
                    else _("Application désactivée : ses jetons sont révoqués."),
                )
            else:
                oauth_application_delete(application=application)
                messages.success(request, _("Application supprimée."))
                return redirect("cpro:application_list")
            return redirect("cpro:application_detail", pk=application.pk)
        messages.error(request, _("Action inconnue."))
    shown = request.session.pop(SESSION_SECRET, None)
    secret = shown["secret"] if shown and shown.get("pk") == application.pk else None
    return render(
        request,
        "cpro/application_detail.html",
        {
            "application": application,
            "secret": secret,
            "title": application.name,
        },
    )


def sample_facturx(request: HttpRequest) -> HttpResponse:
    """``GET /api/exemple/facture-demo.pdf``: a Factur-X of the demo data, for the guide."""

    try:
        filename, pdf = demo_facturx()
    except LookupError as exc:
        raise Http404(_("Les données de démonstration ne sont pas chargées (make run).")) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
