"""EDI settings of a supplier's technical account: SSH keys and status files (managers only).

The page itself is the technical account page (``accounts/technical_account.html`` shows the
panel through the ``edi_tags`` template tag); these views take its forms and go back to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import technical_account_for_structure
from suppliers.views import PAGES

from . import services
from .forms import EdiKeyForm
from .models import EdiConnection

BACK = "suppliers:technical_account"


def _connection(request: HttpRequest) -> EdiConnection:
    membership = PAGES.manager(request)
    account = technical_account_for_structure(structure=membership.structure)
    if account is None:
        raise Http404
    return services.edi_connection_for_account(account=account)


@login_required
@require_POST
def key_add(request: HttpRequest) -> HttpResponse:
    connection = _connection(request)
    form = EdiKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Clé non enregistrée : collez une clé publique SSH."))
        return redirect(BACK)
    try:
        key = services.edi_key_add(
            connection=connection,
            public_key=form.cleaned_data["public_key"],
            label=form.cleaned_data["label"],
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Clé SSH enregistrée (%(fp)s).") % {"fp": key.fingerprint})
    return redirect(BACK)


@login_required
@require_POST
def key_remove(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _connection(request)
    if not services.edi_key_remove(connection=connection, key_id=pk):
        raise Http404
    messages.success(request, _("Clé SSH retirée : elle ne permet plus de se connecter."))
    return redirect(BACK)


@login_required
@require_POST
def status_files(request: HttpRequest) -> HttpResponse:
    connection = _connection(request)
    enabled = request.POST.get("enabled") == "1"
    services.edi_status_files_set(connection=connection, enabled=enabled)
    messages.success(
        request,
        _("Les fichiers de statut seront déposés dans retour/.")
        if enabled
        else _("Plus aucun fichier de statut ne sera déposé."),
    )
    return redirect(BACK)
