"""The buyer's dashboard: invoices received by the structure the user works on, one invoice's
page with its actions, bulk actions, and the inline PDF preview.

Thin: everything is scoped to the current buyer workspace (and to the services of a restricted
buyer); an id outside it answers 404 exactly like an unknown one.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from invoices.choices import DocumentRole
from invoices.lifecycle.machine import TransitionError, allowed_targets
from invoices.lifecycle.models import ActorRole
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.selectors import invoice_documents, invoices_visible_to_buyer
from invoices.streaming import pdf_preview_response
from tracking.selectors import invoice_followup
from tracking.services import BULK_MAX, InvalidRequest, invoice_buyer_process, invoices_buyer_process_bulk

from . import selectors
from .forms import ACTION_LABELS, BulkForm, InboxFilterForm, ProcessForm

logger = logging.getLogger(__name__)


class Buyer:
    """The structure the user works on as a buyer, and their service restriction."""

    def __init__(self, request: HttpRequest) -> None:
        workspace = request.workspace  # type: ignore[attr-defined]
        if workspace is None or not workspace.is_buyer:
            raise Http404
        self.membership = workspace.membership
        self.structure = workspace.structure
        self.service_ids = selectors.membership_service_ids(self.membership)

    def services(self) -> list[Any]:
        if self.service_ids is not None:
            return list(self.membership.services.order_by("code"))
        return list(self.structure.services.order_by("code"))

    def invoice(self, invoice_id: int) -> Any:
        invoice = selectors.received_invoice_get(
            structure=self.structure, invoice_id=invoice_id, service_ids=self.service_ids
        )
        if invoice is None:
            raise Http404
        return invoice


@login_required
def inbox_list(request: HttpRequest) -> HttpResponse:
    buyer = Buyer(request)
    services = buyer.services()
    form = InboxFilterForm(request.GET or None, services=services)
    page = None
    total: tuple[int, bool] | None = None
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else selectors.Filters()
        sort = form.sort() if request.GET else selectors.DEFAULT_SORT
        total = selectors.received_count(
            structure=buyer.structure, service_ids=buyer.service_ids, filters=filters
        )
        page = selectors.received_invoices(
            structure=buyer.structure,
            service_ids=buyer.service_ids,
            filters=filters,
            sort=sort,
            after=request.GET.get("apres") or None,
        )
    query = request.GET.copy()
    query.pop("apres", None)
    query.pop("page", None)
    page_number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    counts = selectors.status_counts(structure=buyer.structure, service_ids=buyer.service_ids)
    to_process, to_process_capped = selectors.to_process_count(counts)
    return render(
        request,
        "entities/inbox/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "first_page": not request.GET.get("apres"),
            "counts": counts,
            "to_process": to_process,
            "to_process_capped": to_process_capped,
            "current_status": request.GET.get("statut", ""),
            "page_number": page_number if request.GET.get("apres") else 1,
            "page_count": -(-total[0] // selectors.PAGE_SIZE) if total and total[0] else 1,
            "page_count_capped": bool(total and total[1]),
            "total": total[0] if total else 0,
            "bulk_form": BulkForm(),
            "bulk_max": BULK_MAX,
            "structure": buyer.structure,
            "restricted_services": services if buyer.service_ids is not None else None,
        },
    )


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    buyer = Buyer(request)
    back = request.POST.get("retour", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith(
        "/"
    ):
        back = reverse("inbox:list")
    ids = sorted({int(v) for v in request.POST.getlist("factures") if v.isdigit()})
    form = BulkForm(request.POST)
    if not ids:
        messages.error(request, _("Cochez au moins une facture avant de choisir une action."))
        return redirect(back)
    if len(ids) > BULK_MAX:
        messages.error(request, _("Sélectionnez au plus %(n)d factures à la fois.") % {"n": BULK_MAX})
        return redirect(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    invoices = list(
        invoices_visible_to_buyer(structure=buyer.structure, service_ids=buyer.service_ids).filter(pk__in=ids)
    )
    data = form.cleaned_data
    results = invoices_buyer_process_bulk(
        invoices=invoices,
        to=data["to"],
        actor=request.user,
        comment=data["comment"],
        reason_code=data["reason_code"],
    )
    done = [r for r in results if r.ok]
    if done:
        messages.success(
            request,
            ngettext(
                "%(n)d facture est passée au statut « %(status)s ».",
                "%(n)d factures sont passées au statut « %(status)s ».",
                len(done),
            )
            % {"n": len(done), "status": S(data["to"]).label},
        )
    for result in results:
        if not result.ok:
            messages.error(
                request,
                _("Facture %(number)s : %(reason)s") % {"number": result.number, "reason": result.message},
            )
    missing = len(ids) - len(invoices)
    if missing:
        messages.error(
            request,
            ngettext(
                "%(n)d facture sélectionnée est introuvable.",
                "%(n)d factures sélectionnées sont introuvables.",
                missing,
            )
            % {"n": missing},
        )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def inbox_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:

    buyer = Buyer(request)
    invoice = buyer.invoice(invoice_id)
    targets = allowed_targets(status=invoice.status, role=ActorRole.BUYER)
    form = ProcessForm(request.POST or None, targets=targets, status=invoice.status)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice_buyer_process(
                invoice_id=invoice.pk,
                to=data["to"],
                actor=request.user,
                comment=data["comment"],
                reason_code=data["reason_code"],
                mandate_number=data.get("mandate_number", ""),
                expected=request.POST.get("statut_vu") or invoice.status,
            )
        except InvalidRequest as exc:
            for key, message in exc.errors.items():
                form.add_error(key if key in form.fields else None, message)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("La facture %(number)s est passée au statut « %(status)s ».")
                % {
                    "number": invoice.number,
                    "status": S(data["to"]).label,
                },
            )
            return redirect("inbox:detail", invoice_id=invoice.pk)
    documents = invoice_documents(invoice=invoice)
    legal = next((d for d in documents if d.role == DocumentRole.INVOICE), None)
    return render(
        request,
        "entities/inbox/detail.html",
        {
            "invoice": invoice,
            "form": form,
            "targets": targets,
            "action_labels": ACTION_LABELS,
            "followup": invoice_followup(invoice=invoice, role=ActorRole.BUYER),
            "lines": invoice.lines.all(),
            "vat_lines": invoice.vat_lines.all(),
            "documents": documents,
            "legal_document": legal,
            "attachments": [d for d in documents if d.role != DocumentRole.INVOICE],
        },
    )


@login_required
@xframe_options_sameorigin
def inbox_document_preview(request: HttpRequest, invoice_id: int, document_id: int) -> HttpResponse:
    """A PDF of a received invoice shown inline (the preview frame of the invoice page), after
    checking its SHA-256 against the one recorded at deposit."""

    return pdf_preview_response(invoice=Buyer(request).invoice(invoice_id), document_id=document_id)
