"""Pages of the workflow: the supplier's follow-up actions (complete, recycle, acknowledge a
rejection) and the validator's pages.

Thin: scope the invoice to the structure the user works on (another structure's id is a 404),
call one service, render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from invoices.lifecycle.machine import TransitionError
from invoices.lifecycle.statuses import InvoiceStatus as S

from . import selectors
from .forms import CompleteForm, RecycleForm, SentFilterForm, ValidatorForm
from .services import (
    InvalidRequest,
    invoice_complete,
    invoice_recycle,
    invoice_rejection_acknowledge,
    invoice_validator_process,
)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _supplier_structure_id(request: HttpRequest) -> int:
    workspace = request.workspace  # type: ignore[attr-defined]
    if workspace is None or not workspace.is_supplier:
        raise Http404
    return workspace.membership.structure_id


def _supplier_invoice(request: HttpRequest, invoice_id: int) -> Any:
    invoice = selectors.supplier_invoice_get(
        structure_id=_supplier_structure_id(request), invoice_id=invoice_id
    )
    if invoice is None:
        raise Http404
    return invoice


def invoice_page_url(invoice_id: int) -> str:
    """The supplier's invoice page (invoices app), where the follow-up is shown."""
    try:
        return reverse("invoices:detail", args=[invoice_id])
    except NoReverseMatch:
        return reverse("notifications:notifications")


def _apply_errors(form: Any, exc: InvalidRequest, fields: dict[str, str]) -> None:
    for key, message in exc.errors.items():
        form.add_error(fields.get(key) if fields.get(key) in form.fields else None, message)


# --- Supplier follow-up -----------------------------------------------------------------------


@login_required
def sent_list(request: HttpRequest) -> HttpResponse:
    """The supplier's sent invoices with status badges and filters (drafts are listed apart)."""
    structure_id = _supplier_structure_id(request)
    form = SentFilterForm(request.GET or None)
    rows, next_cursor = None, None
    if not request.GET or form.is_valid():
        rows, next_cursor = selectors.sent_invoices(
            supplier_id=structure_id,
            filters=form.filters() if request.GET else None,
            after=request.GET.get("apres") or None,
        )
    query = request.GET.copy()
    query.pop("apres", None)
    return render(
        request,
        "tracking/sent.html",
        {
            "form": form,
            "invoices": rows,
            "next_cursor": next_cursor,
            "query": query.urlencode(),
            "first_page": not request.GET.get("apres"),
            "counts": selectors.sent_status_counts(supplier_id=structure_id),
            "filtering": any(v for k, v in request.GET.items() if k != "apres") or rows is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _supplier_invoice(request, invoice_id)
    form = CompleteForm(request.POST or None, request.FILES or None)
    if invoice.status != S.SUSPENDUE:
        messages.error(request, _("Cette facture n'est pas suspendue : il n'y a rien à compléter."))
        return redirect(invoice_page_url(invoice.pk))
    if request.method == "POST" and form.is_valid():
        try:
            invoice_complete(
                invoice_id=invoice.pk,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                attachments=form.cleaned_data["attachments"],
            )
        except InvalidRequest as exc:
            _apply_errors(form, exc, {"comment": "comment", "attachments": "attachments"})
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect(invoice_page_url(invoice.pk))
        else:
            messages.success(request, _("Facture complétée : elle est de nouveau chez le destinataire."))
            return redirect(invoice_page_url(invoice.pk))
    followup = selectors.invoice_followup(invoice=invoice)
    return render(
        request,
        "tracking/complete.html",
        {
            "invoice": invoice,
            "form": form,
            "followup": followup,
            "back_url": invoice_page_url(invoice.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recycle(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _supplier_invoice(request, invoice_id)
    if invoice.status != S.A_RECYCLER:
        messages.error(request, _("Cette facture n'est pas à recycler."))
        return redirect(invoice_page_url(invoice.pk))
    initial = {
        "recipient_siret": invoice.recipient.siret if invoice.recipient else "",
        "service_code": invoice.recipient_service.code if invoice.recipient_service else "",
        "engagement_number": invoice.engagement_number,
    }
    form = RecycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice_recycle(
                invoice_id=invoice.pk,
                actor=request.user,
                recipient=data["recipient_siret"],
                service=data["service_code"],
                engagement_number=data["engagement_number"],
                comment=data["comment"],
            )
        except InvalidRequest as exc:
            _apply_errors(
                form,
                exc,
                {
                    "recipient": "recipient_siret",
                    "service": "service_code",
                    "engagement_number": "engagement_number",
                    "comment": "comment",
                },
            )
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect(invoice_page_url(invoice.pk))
        else:
            messages.success(
                request, _("Facture renvoyée avec le même numéro : elle est de nouveau acheminée.")
            )
            return redirect(invoice_page_url(invoice.pk))
    followup = selectors.invoice_followup(invoice=invoice)
    return render(
        request,
        "tracking/recycle.html",
        {
            "invoice": invoice,
            "form": form,
            "followup": followup,
            "back_url": invoice_page_url(invoice.pk),
        },
    )


@login_required
@require_POST
def acknowledge_rejection(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _supplier_invoice(request, invoice_id)
    try:
        invoice_rejection_acknowledge(invoice_id=invoice.pk, actor=request.user)
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Rejet traité. Pour être payé, émettez une nouvelle facture corrigée, avec un nouveau numéro."),
        )
    return redirect(invoice_page_url(invoice.pk))


# --- Validator (A9 / A12) ---------------------------------------------------------------------


@login_required
def validation_list(request: HttpRequest) -> HttpResponse:
    structure_id = _supplier_structure_id(request)
    before = _int(request.GET.get("avant"))
    rows = selectors.validator_invoices(structure_id=structure_id, before=before, limit=51)
    next_cursor = rows[49].pk if len(rows) > 50 else None
    return render(request, "tracking/validations.html", {"invoices": rows[:50], "next_cursor": next_cursor})


@login_required
@require_http_methods(["GET", "POST"])
def validation_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.validator_invoice_get(
        structure_id=_supplier_structure_id(request), invoice_id=invoice_id
    )
    if invoice is None:
        raise Http404
    moe = invoice.status == S.A_VALIDER_MOE
    form = ValidatorForm(request.POST or None, moe=moe, document_amount=invoice.amount_due)
    if request.method == "POST" and form.is_valid():
        try:
            invoice_validator_process(
                invoice_id=invoice.pk,
                actor=request.user,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
                validated_amount=form.cleaned_data.get("validated_amount"),
            )
        except InvalidRequest as exc:
            _apply_errors(form, exc, {"validated_amount": "validated_amount", "comment": "comment"})
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Votre décision est enregistrée."))
            return redirect("tracking:validations")
    followup = selectors.invoice_followup(invoice=invoice, role="VALIDEUR")
    return render(
        request, "tracking/validation_detail.html", {"invoice": invoice, "form": form, "followup": followup}
    )
