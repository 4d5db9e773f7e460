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
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from invoices.choices import DocumentRole
from invoices.lifecycle.machine import TransitionError
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.selectors import invoice_documents
from invoices.streaming import pdf_preview_response

from . import selectors
from .forms import (
    CompleteForm,
    RecycleForm,
    SentFilterForm,
    ValidatorBulkForm,
    ValidatorFilterForm,
    ValidatorForm,
)
from .services import (
    BULK_MAX,
    BulkResult,
    InvalidRequest,
    ValidatorAction,
    invoice_complete,
    invoice_recycle,
    invoice_rejection_acknowledge,
    invoice_validator_process,
    invoices_validator_process_bulk,
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


VALIDATOR_TAB_LABELS = {
    selectors.TAB_TO_PROCESS: gettext_lazy("À traiter"),
    selectors.TAB_PROCESSED: gettext_lazy("Traités"),
    selectors.TAB_ALL: gettext_lazy("Tous"),
}


@login_required
def validation_list(request: HttpRequest) -> HttpResponse:
    """The validator's dashboard: its tabs (to process, processed, all), its filters and the
    bulk decision, newest first, keyset on the id (``avant``)."""
    structure_id = _supplier_structure_id(request)
    form = ValidatorFilterForm(request.GET or None)
    rows: list[Any] | None = None
    next_cursor = None
    tab = selectors.TAB_TO_PROCESS
    if not request.GET or form.is_valid():
        filters = form.filters()
        tab = filters.tab
        size = selectors.VALIDATOR_PAGE_SIZE
        rows = selectors.validator_invoices(
            structure_id=structure_id, before=_int(request.GET.get("avant")), limit=size + 1, filters=filters
        )
        next_cursor = rows[size - 1].pk if len(rows) > size else None
        rows = rows[:size]
    query = request.GET.copy()
    query.pop("avant", None)
    tabs = []
    for key, label in VALIDATOR_TAB_LABELS.items():
        tab_query = query.copy()
        tab_query["onglet"] = key
        tabs.append({"key": key, "label": label, "query": tab_query.urlencode(), "current": key == tab})
    return render(
        request,
        "tracking/validations.html",
        {
            "form": form,
            "invoices": rows,
            "next_cursor": next_cursor,
            "query": query.urlencode(),
            "first_page": not request.GET.get("avant"),
            "tab": tab,
            "tabs": tabs,
            "to_process": tab == selectors.TAB_TO_PROCESS,
            "filtering": rows is None
            or any(v for k, v in request.GET.items() if k not in ("avant", "onglet")),
            "bulk_form": ValidatorBulkForm(),
            "bulk_max": BULK_MAX,
        },
    )


def _bulk_summary(results: list[BulkResult], *, action: str, missing: int) -> str:
    """« 3 documents validés, 1 non traité : F-12 — la raison. »"""
    done = sum(1 for r in results if r.ok)
    if action == ValidatorAction.REFUS:
        text = ngettext("%(n)d document refusé", "%(n)d documents refusés", done) % {"n": done}
    else:
        text = ngettext("%(n)d document validé", "%(n)d documents validés", done) % {"n": done}
    failed = [r for r in results if not r.ok]
    if failed or missing:
        reasons = [
            _("%(number)s — %(reason)s") % {"number": r.number, "reason": r.message.rstrip(".")}
            for r in failed
        ]
        if missing:
            reasons.append(
                ngettext("%(n)d document introuvable", "%(n)d documents introuvables", missing)
                % {"n": missing}
            )
        n = len(failed) + missing
        text += ", " + ngettext("%(n)d non traité", "%(n)d non traités", n) % {"n": n}
        text += _(" : %(reasons)s") % {"reasons": " ; ".join(reasons)}
    return text + "."


@login_required
@require_POST
def validation_bulk(request: HttpRequest) -> HttpResponse:
    """Validate or refuse the documents ticked in the list, with one decision."""
    structure_id = _supplier_structure_id(request)
    back = request.POST.get("retour", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("tracking:validations")
    ids = sorted({int(v) for v in request.POST.getlist("factures") if v.isdigit()})
    if not ids:
        messages.error(request, _("Cochez au moins un document avant de valider ou de refuser."))
        return redirect(back)
    if len(ids) > BULK_MAX:
        messages.error(request, _("Sélectionnez au plus %(n)d documents à la fois.") % {"n": BULK_MAX})
        return redirect(back)
    form = ValidatorBulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    invoices = selectors.validator_invoices_by_ids(structure_id=structure_id, ids=ids)
    try:
        results = invoices_validator_process_bulk(
            invoices=invoices,
            actor=request.user,
            action=action,
            # The reason box is the refusal's: a validation carries no comment.
            comment=form.cleaned_data["comment"] if action == ValidatorAction.REFUS else "",
        )
    except InvalidRequest as exc:
        messages.error(request, exc.message)
        return redirect(back)
    summary = _bulk_summary(results, action=action, missing=len(ids) - len(invoices))
    if all(r.ok for r in results) and len(invoices) == len(ids):
        messages.success(request, summary)
    elif any(r.ok for r in results):
        messages.warning(request, summary)
    else:
        messages.error(request, summary)
    return redirect(back)


def _validator_invoice(request: HttpRequest, invoice_id: int) -> Any:
    invoice = selectors.validator_invoice_get(
        structure_id=_supplier_structure_id(request), invoice_id=invoice_id
    )
    if invoice is None:
        raise Http404
    return invoice


def _preview_context(invoice: Any) -> dict[str, Any]:
    documents = invoice_documents(invoice=invoice)
    return {
        "documents": documents,
        "legal_document": next((d for d in documents if d.role == DocumentRole.INVOICE), None),
    }


@login_required
def validation_preview(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The document of a list row, shown in a sandboxed frame, with its downloads."""
    invoice = _validator_invoice(request, invoice_id)
    return render(
        request, "tracking/validation_preview.html", {"invoice": invoice, **_preview_context(invoice)}
    )


@login_required
@xframe_options_sameorigin
def validation_document_preview(request: HttpRequest, invoice_id: int, document_id: int) -> HttpResponseBase:
    """A PDF of a document addressed to the validator, inline for the preview frame, once its
    SHA-256 matches the one recorded at deposit (like the buyer's ``inbox_document_preview``)."""
    return pdf_preview_response(invoice=_validator_invoice(request, invoice_id), document_id=document_id)


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
        request,
        "tracking/validation_detail.html",
        {"invoice": invoice, "form": form, "followup": followup, **_preview_context(invoice)},
    )
