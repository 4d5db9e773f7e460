"""Pages of the compliance app: the staff dashboard and its CSV exports, the platform statistics
(public, reduced, and complete for staff) and the paper invoices of a public buyer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import charts, selectors, services
from .exports import EXPORTS, csv_response
from .forms import (
    DashboardFilterForm,
    PaperImportForm,
    PaperInvoiceForm,
    ReminderForm,
    StatisticsFilterForm,
)
from .models import DelayMeasure
from .paper_import import MAX_REPORTED_ERRORS, PaperImportError
from .tasks import statistics_refresh


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; logged-in non-staff users get a 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _page_number(request: HttpRequest, name: str = "page") -> int:
    value = request.GET.get(name, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


# --- compliance dashboard (staff) ---------------------------------------------------------------------


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters()
    state = form.state if form.is_bound else "non_conformes"
    monthly = selectors.compliance_monthly_share(filters=filters)
    per_category = selectors.compliance_category_share(filters=filters)
    channels = selectors.compliance_channel_deposits(filters=filters)
    context = {
        "form": form,
        "filters": filters,
        "state": state,
        "state_label": selectors.SUPPLIER_STATES[state][0],
        "categories": selectors.compliance_categories(filters=filters),
        "suppliers": selectors.compliance_suppliers(filters=filters, state=state, page=_page_number(request)),
        "structures": selectors.compliance_structures(
            filters=filters, page=_page_number(request, "page_structures")
        ),
        "period_start": filters.period[0],
        "charts": [
            charts.bar_chart(
                id="part-mensuelle",
                title=_("Part des factures reçues sous forme électronique, par mois"),
                description=_("Sur les 12 mois jusqu'au mois de la date d'observation."),
                items=[(row.label, row.share) for row in monthly],
                percent=True,
                value_header=_("Part électronique"),
            ),
            charts.bar_chart(
                id="part-categorie",
                title=_("Part électronique par catégorie de fournisseur"),
                description=_("Depuis le 1er janvier de l'année d'observation."),
                items=[(row.label, row.share) for row in per_category],
                percent=True,
                value_header=_("Part électronique"),
            ),
            charts.bar_chart(
                id="canaux",
                title=_("Factures par canal de dépôt"),
                description=_("Depuis le 1er janvier de l'année d'observation, papier compris."),
                items=[(label, n) for _key, label, n in channels],
                value_header=_("Factures"),
            ),
        ],
        "snapshot": selectors.stats_snapshot(),
        "query": request.GET.urlencode(),
    }
    return render(request, "compliance/dashboard.html", context)


@staff_required
def export(request: HttpRequest, name: str) -> StreamingHttpResponse:
    definition = EXPORTS.get(name)
    if definition is None:
        raise Http404
    if definition.kind == "dashboard":
        form = DashboardFilterForm(request.GET or None)
        params: dict[str, Any] = {"filters": form.filters(), "state": request.GET.get("statut", "tous")}
        suffix = form.filters().as_of.isoformat()
    else:
        form = StatisticsFilterForm(request.GET or None, years=selectors.stats_years())
        params = form.values()
        suffix = (
            str(params["year"])
            if name in ("stats-canaux", "stats-statuts", "ponctualite")
            else (timezone.localdate().isoformat())
        )
    return csv_response(f"chorus-{name}-{suffix}.csv", definition.header, definition.rows(params))


@staff_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    form = ReminderForm(request.POST)
    back = reverse("compliance:dashboard") + "?" + request.POST.get("retour", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    as_of = form.cleaned_data.get("date") or timezone.localdate()
    result = services.compliance_reminder_send(
        supplier_ids=form.cleaned_data["fournisseurs"], actor=request.user, as_of=as_of
    )
    if result.reminded:
        messages.success(
            request,
            _("Rappel envoyé à %(count)s fournisseur(s) (%(notifications)s destinataire(s)) : %(names)s.")
            % {
                "count": len(result.reminded),
                "notifications": result.notifications,
                "names": ", ".join(result.reminded),
            },
        )
    if result.already_today:
        messages.info(
            request,
            _("Déjà rappelé(s) aujourd'hui, pas de nouveau rappel : %(names)s.")
            % {"names": ", ".join(result.already_today)},
        )
    if result.without_account:
        messages.warning(
            request,
            _(
                "Aucun compte actif sur le portail, rappel impossible par notification (à contacter par "
                "courrier) : %(names)s."
            )
            % {"names": ", ".join(result.without_account)},
        )
    return redirect(back)


@staff_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:

    transaction.on_commit(lambda: statistics_refresh.delay())
    messages.info(
        request,
        _("Le recalcul des tableaux est lancé. Les chiffres seront à jour d'ici quelques minutes."),
    )
    back = request.POST.get("retour", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("compliance:dashboard")
    return redirect(back)


# --- statistics (public reduced version, complete for staff) ---------------------------------------------


def _hours_table(kind: str) -> list[dict]:
    return selectors.stats_delay_table(kind=kind)


def statistics(request: HttpRequest) -> HttpResponse:
    is_staff = request.user.is_authenticated and request.user.is_active and request.user.is_staff
    years = selectors.stats_years()
    form = StatisticsFilterForm(request.GET or None, years=years)
    values = form.values()
    monthly = selectors.stats_monthly(until=timezone.localdate())
    context: dict[str, Any] = {
        "form": form,
        "is_staff": is_staff,
        "year": values["year"],
        "snapshot": selectors.stats_snapshot(),
        "monthly": monthly,
        "monthly_chart": charts.bar_chart(
            id="factures-mois",
            title=_("Factures déposées par mois"),
            description=_("Les 24 derniers mois."),
            items=[(month.strftime("%m/%y"), n) for month, n, _amount in monthly],
            value_header=_("Factures"),
        ),
        "yearly": selectors.stats_yearly(),
        "by_channel": selectors.stats_by_channel(year=values["year"]),
        "by_status": selectors.stats_by_status(year=values["year"]),
        "delays_by_year": _hours_table("Y"),
        "delays_by_month": _hours_table("M")[:12],
        "AVAILABLE": DelayMeasure.AVAILABLE,
        "PAID": DelayMeasure.PAID,
        "query": request.GET.urlencode(),
    }
    if is_staff:
        # Per-structure figures are for staff only: the public page has no per-company data.
        context["punctuality"] = selectors.stats_punctuality(**values, page=_page_number(request))
    return render(request, "compliance/statistics.html", context)


# --- paper invoices of a public buyer ------------------------------------------------------------------


def _buyer_structure(request: HttpRequest) -> Any:
    workspace = getattr(request, "workspace", None)
    if workspace is None or not workspace.is_buyer:
        return None
    return workspace.structure


def _not_a_buyer(request: HttpRequest) -> HttpResponse:
    return render(request, "compliance/paper_not_buyer.html", status=403)


@login_required
def paper_invoices(request: HttpRequest) -> HttpResponse:
    recipient = _buyer_structure(request)
    if recipient is None:
        return _not_a_buyer(request)
    form = PaperInvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.PaperInvoiceData(
            siret=form.cleaned_data["supplier_siret"],
            number=form.cleaned_data["number"],
            invoice_date=form.cleaned_data["invoice_date"],
            amount=form.cleaned_data["amount_ttc"],
            name=form.cleaned_data["supplier_name"],
        )
        try:
            invoice = services.paper_invoice_record(recipient=recipient, data=data, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Facture papier n° %(number)s du fournisseur %(siret)s enregistrée.")
                % {"number": invoice.number, "siret": invoice.supplier_siret},
            )
            return redirect("compliance:paper_invoices")
    page = selectors.paper_invoices_for_recipient(recipient=recipient, page=_page_number(request))
    return render(
        request,
        "compliance/paper_invoices.html",
        {"form": form, "page": page, "recipient": recipient, "can_delete": request.workspace.is_manager},
    )


@login_required
def paper_import(request: HttpRequest) -> HttpResponse:
    recipient = _buyer_structure(request)
    if recipient is None:
        return _not_a_buyer(request)
    form = PaperImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Refuse oversized uploads before reading them into memory.
            if upload.size > 5 * 1024 * 1024:
                raise PaperImportError([_("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")])
            count = services.paper_invoices_import(
                recipient=recipient, content=upload.read(), actor=request.user
            )
        except PaperImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(count)s facture(s) papier importée(s).") % {"count": count})
            return redirect("compliance:paper_invoices")
    return render(
        request,
        "compliance/paper_import.html",
        {
            "form": form,
            "errors": errors[:MAX_REPORTED_ERRORS],
            "more_errors": max(len(errors) - MAX_REPORTED_ERRORS, 0),
            "recipient": recipient,
        },
    )


@login_required
@require_POST
def paper_invoice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _buyer_structure(request)
    if recipient is None:
        return _not_a_buyer(request)
    if not services.paper_invoice_delete(recipient=recipient, paper_invoice_id=pk, actor=request.user):
        raise Http404
    messages.success(request, _("La facture papier a été supprimée."))
    return redirect("compliance:paper_invoices")
