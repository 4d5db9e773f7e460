"""Pages of the entry form, drafts, the confirmation before sending and the invoice page."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.identifiers import compact_identifier
from entities.selectors import public_structure_get_active, services_active
from invoices.lifecycle.statuses import InvoiceStatus
from suppliers.selectors import supplier_bank_accounts

from .checks import InvoiceRejected, invoice_draft_check
from .checks.seller import seller_is_foreign
from .choices import FRAMEWORKS_WITH_MOE, DocumentRole, Framework, InvoiceKind
from .data import invoice_data_from_invoice
from .forms import (
    InvoiceForm,
    LineFormSet,
    attach_errors,
    invoice_data_from_forms,
    invoice_initial,
    line_initial,
)
from .frameworks import PORTAL_PRO_FRAMEWORKS, frameworks_open_to
from .selectors import (
    invoice_document_get,
    invoice_documents,
    invoice_draft_get,
    invoice_drafts,
    invoice_get_for_user,
    invoice_summary,
)
from .services import (
    deposit_certificate_pdf,
    invoice_attachment_remove,
    invoice_draft_delete,
    invoice_draft_save,
    invoice_send,
)
from .streaming import DocumentUnavailable, document_response

DRAFTS_PER_PAGE = 20
logger = logging.getLogger(__name__)


def _supplier_workspace(request: HttpRequest) -> Any:
    workspace = getattr(request, "workspace", None)
    return workspace if workspace is not None and workspace.is_supplier else None


def _recipient_context(siret: str) -> dict[str, Any]:
    """The recipient designated by ``siret`` and what it requires (for the page without script)."""

    siret = compact_identifier(siret)
    recipient = public_structure_get_active(siret=siret) if len(siret) == 14 and siret.isdigit() else None
    services = list(services_active(structure=recipient)) if recipient else []
    return {"recipient": recipient, "services": services}


def _directory_url() -> str:
    try:
        return reverse("entities:directory_search_json")
    except NoReverseMatch:  # the directory is not installed: the form works without search
        return ""


def _validator_search_url() -> str:
    """Search as you type of the validator's or maître d'œuvre's field (suppliers app)."""
    try:
        return reverse("suppliers:structure_search_json")
    except NoReverseMatch:  # the form works without it: the SIRET is typed
        return ""


def _render_form(
    request: HttpRequest,
    *,
    form: InvoiceForm,
    formset: Any,
    supplier: Any,
    draft: Any = None,
    general_errors: list | None = None,
    recipient: dict | None = None,
    status: int = 200,
    rejected: bool = False,
) -> HttpResponse:

    if recipient:
        form.show_recipient_requirements(recipient.get("recipient"), recipient.get("services") or [])
    # The frameworks this supplier may send (invoices.frameworks, the one rule); the forms of
    # Chorus Portal Pro (memos, TIC/TICGN refunds) have their own pages.
    offered = set(_entry_frameworks(supplier)) | {str(form["framework"].value() or "")}
    form.fields["framework"].choices = [(c, label) for c, label in Framework.choices if c in offered]
    context = {
        "form": form,
        "formset": formset,
        "supplier": supplier,
        "draft": draft,
        "general_errors": general_errors or [],
        "rejected": rejected,
        "directory_url": _directory_url(),
        "validator_search_url": _validator_search_url(),
        "bank_accounts": supplier_bank_accounts(structure=supplier),
        # The validator's field shows for A9/A12 and for the works drafts that name a MOE.
        "validator_frameworks": sorted({Framework.A9, Framework.A12} | FRAMEWORKS_WITH_MOE),
        "credit_note_kind": InvoiceKind.AVOIR,
        "documents": invoice_documents(invoice=draft) if draft else [],
        **(recipient or {}),
    }
    return render(request, "invoices/form.html", context, status=status)


def _entry_frameworks(supplier: Any) -> list[str]:
    return [f for f in frameworks_open_to(supplier=supplier) if f not in PORTAL_PRO_FRAMEWORKS]


def _posted_forms(
    request: HttpRequest, *, add_line: bool = False, foreign: bool = False
) -> tuple[InvoiceForm, Any, dict[str, Any]]:
    """The posted header form, line formset (one more row if asked) and the recipient context."""
    recipient = _recipient_context(request.POST.get("recipient_siret", ""))
    services = [(s.code, f"{s.code} – {s.name}") for s in recipient["services"]]
    form = InvoiceForm(request.POST, request.FILES, services=services)
    data = request.POST
    if add_line:
        data = request.POST.copy()
        total = int(data.get("lines-TOTAL_FORMS") or 0)
        data["lines-TOTAL_FORMS"] = str(total + 1)
    formset = LineFormSet(data, prefix="lines", form_kwargs={"foreign": foreign})
    return form, formset, recipient


@login_required
@require_http_methods(["GET", "POST"])
def invoice_create(request: HttpRequest) -> HttpResponse:
    workspace = _supplier_workspace(request)
    if workspace is None:
        messages.warning(request, _("Pour saisir une facture, travaillez pour une structure fournisseur."))
        return redirect("dashboard")
    if not _entry_frameworks(workspace.structure):
        # A person without a SIRET sends only the forms open to individuals (justice memos).
        messages.info(
            request,
            _("Sans SIRET, vous ne pouvez pas saisir de facture : déposez vos mémoires de frais de justice."),
        )
        return redirect("portalpro:home")
    return _entry(request, supplier=workspace.structure, draft=None)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = invoice_draft_get(user=request.user, invoice_id=pk)
    if draft is None:
        sent = invoice_get_for_user(user=request.user, invoice_id=pk)
        if sent is not None and sent.viewer_is_supplier:
            messages.info(request, _("Cette facture a été transmise : elle ne se modifie plus."))
            return redirect("invoices:detail", pk=pk)
        raise Http404
    return _entry(request, supplier=draft.supplier, draft=draft)


def _rejected_source(request: HttpRequest, *, supplier: Any) -> Any:
    """The supplier's own rejected invoice named by ``?depuis=<id>``, or None (any other id is
    ignored, exactly as an unknown one)."""
    raw = request.GET.get("depuis", "")
    if not raw.isdigit():
        return None
    source = invoice_get_for_user(user=request.user, invoice_id=int(raw))
    if source is None or not source.viewer_is_supplier or source.supplier_id != supplier.pk:
        return None
    return source if source.status == InvoiceStatus.REJETEE else None


def _entry(request: HttpRequest, *, supplier: Any, draft: Any) -> HttpResponse:
    if request.method == "GET":
        source = _rejected_source(request, supplier=supplier) if draft is None else None
        if source is not None:
            # After a rejection a new invoice with a NEW number is required (reference §1.1):
            # everything else is taken from the rejected one for the supplier to correct.
            data = invoice_data_from_invoice(source)
            data.number = ""
            data.invoice_date = timezone.localdate()
            recipient = _recipient_context(data.recipient_siret)
            services = [(s.code, f"{s.code} – {s.name}") for s in recipient["services"]]
            form = InvoiceForm(initial=invoice_initial(data), services=services)
            formset = LineFormSet(
                prefix="lines",
                form_kwargs={"foreign": seller_is_foreign(supplier)},
                initial=[line_initial(line) for line in source.lines.all()],
            )
            messages.info(
                request,
                _(
                    "Nouvelle facture préremplie à partir de la facture rejetée n° %(number)s : corrigez ce "
                    "qui a motivé le rejet et donnez-lui un nouveau numéro."
                )
                % {"number": source.number},
            )
        elif draft is None:
            form = InvoiceForm()
            formset = LineFormSet(prefix="lines", form_kwargs={"foreign": seller_is_foreign(supplier)})
            recipient: dict[str, Any] = {}
        else:
            data = invoice_data_from_invoice(draft)
            recipient = _recipient_context(data.recipient_siret)
            services = [(s.code, f"{s.code} – {s.name}") for s in recipient["services"]]
            form = InvoiceForm(initial=invoice_initial(data), services=services)
            formset = LineFormSet(
                prefix="lines",
                form_kwargs={"foreign": seller_is_foreign(supplier)},
                initial=[line_initial(line) for line in draft.lines.all()],
            )
        return _render_form(
            request, form=form, formset=formset, supplier=supplier, draft=draft, recipient=recipient
        )

    action = request.POST.get("action", "draft")
    form, formset, recipient = _posted_forms(
        request, add_line=action == "add_line", foreign=seller_is_foreign(supplier)
    )
    if action in ("add_line", "recipient"):
        # Without script: refresh the page (one more row, or the recipient's requirements).
        return _render_unvalidated(request, form, formset, supplier, draft, recipient)
    if not (form.is_valid() and formset.is_valid()):
        return _render_form(
            request,
            form=form,
            formset=formset,
            supplier=supplier,
            draft=draft,
            recipient=recipient,
            status=400,
        )
    data, line_forms = invoice_data_from_forms(form, formset, form.cleaned_data["attachments"])
    try:
        draft = invoice_draft_save(supplier=supplier, data=data, actor=request.user, invoice=draft)
    except InvoiceRejected as exc:
        general = attach_errors(form, formset, exc.errors, line_forms)
        return _render_form(
            request,
            form=form,
            formset=formset,
            supplier=supplier,
            draft=draft,
            general_errors=general,
            recipient=recipient,
            status=400,
        )
    if action != "send":
        messages.success(
            request,
            _("Brouillon enregistré. Il n'est pas transmis au destinataire : envoyez-le quand il est prêt."),
        )
        return redirect("invoices:detail", pk=draft.pk)
    errors = invoice_draft_check(invoice=draft, actor=request.user)
    if errors:
        # Nothing is sent; the draft keeps everything typed (attachments included).
        general = attach_errors(form, formset, errors, line_forms)
        return _render_form(
            request,
            form=form,
            formset=formset,
            supplier=supplier,
            draft=draft,
            general_errors=general,
            recipient=recipient,
            status=400,
            rejected=True,
        )
    return redirect("invoices:send_confirm", pk=draft.pk)


def _render_unvalidated(
    request: HttpRequest,
    form: InvoiceForm,
    formset: Any,
    supplier: Any,
    draft: Any,
    recipient: dict[str, Any],
) -> HttpResponse:
    # Show the posted values again, without error messages: nothing was submitted yet.
    from django.forms.utils import ErrorDict

    form._errors = ErrorDict()
    for line_form in formset.forms:
        line_form._errors = ErrorDict()
    formset._errors = [f._errors for f in formset.forms]
    formset._non_form_errors = formset.error_class()
    return _render_form(
        request, form=form, formset=formset, supplier=supplier, draft=draft, recipient=recipient
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice_send_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What will be sent, and to whom; sending happens only on this page's explicit confirmation."""
    draft = invoice_draft_get(user=request.user, invoice_id=pk)
    if draft is None:
        sent = invoice_get_for_user(user=request.user, invoice_id=pk)
        if sent is not None and sent.viewer_is_supplier:
            return redirect("invoices:detail", pk=pk)
        raise Http404
    errors: list = []
    version = draft.updated_at.isoformat()
    if request.method == "POST":
        if request.POST.get("version") != version:
            messages.warning(
                request,
                _(
                    "Le brouillon a été modifié entre-temps : vérifiez à nouveau ce qui sera "
                    "envoyé avant de confirmer."
                ),
            )
        else:
            try:
                invoice = invoice_send(invoice=draft, actor=request.user)
            except InvoiceRejected as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _(
                        "Facture n° %(number)s transmise à %(recipient)s. Identifiant Chorus : "
                        "%(id)s. Votre accusé de dépôt est disponible ci-dessous."
                    )
                    % {"number": invoice.number, "recipient": invoice.recipient.name, "id": invoice.pk},
                )
                return redirect("invoices:detail", pk=invoice.pk)
    else:
        # Shown before anything is confirmed: a draft that cannot be sent offers no send button.
        errors = invoice_draft_check(invoice=draft, actor=request.user)
    documents = invoice_documents(invoice=draft)
    return render(
        request,
        "invoices/send_confirm.html",
        {
            "invoice": draft,
            **invoice_summary(invoice=draft),
            "documents": documents,
            "legal_document": any(d.role == DocumentRole.INVOICE for d in documents),
            "errors": errors,
            "version": version,
        },
        status=400 if errors else 200,
    )


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_get_for_user(user=request.user, invoice_id=pk)
    if invoice is None:
        raise Http404
    return render(
        request,
        "invoices/detail.html",
        {
            "invoice": invoice,
            **invoice_summary(invoice=invoice),
            "documents": invoice_documents(invoice=invoice),
            "is_draft": invoice.status == InvoiceStatus.BROUILLON,
        },
    )


@login_required
def invoice_document_download(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    """Stream a stored document after checking the user's access and its SHA-256."""
    invoice = invoice_get_for_user(user=request.user, invoice_id=pk)
    document = invoice_document_get(invoice=invoice, document_id=doc_id) if invoice else None
    if document is None:
        raise Http404
    try:
        return document_response(document)
    except DocumentUnavailable as exc:
        if exc.reason == "introuvable":
            message = _(
                "Le fichier « %(name)s » est introuvable dans l'archive. "
                "L'incident est signalé ; contactez le support en citant "
                "l'identifiant %(id)s."
            )
        else:
            message = _(
                "Le fichier « %(name)s » ne correspond plus à son empreinte SHA-256 enregistrée au dépôt : "
                "il a pu être altéré, il n'est donc pas délivré. L'incident est signalé ; contactez le "
                "support en citant l'identifiant %(id)s."
            )
        return _document_error(request, invoice, message % {"name": document.name, "id": invoice.pk})


def _document_error(request: HttpRequest, invoice: Any, message: str) -> HttpResponse:
    return render(
        request, "invoices/document_error.html", {"invoice": invoice, "message": message}, status=409
    )


@login_required
def invoice_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = invoice_get_for_user(user=request.user, invoice_id=pk)
    if invoice is None or invoice.status == InvoiceStatus.BROUILLON:
        raise Http404
    pdf = deposit_certificate_pdf(invoice=invoice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="accuse-de-depot-{invoice.pk}.pdf"'
    return response


@login_required
def invoice_drafts_list(request: HttpRequest) -> HttpResponse:
    """ "Brouillons – non transmis": paginated without COUNT (one row more tells if a next page exists)."""
    workspace = _supplier_workspace(request)
    if workspace is None:
        messages.warning(
            request, _("Les brouillons sont ceux d'une structure fournisseur : choisissez-en une.")
        )
        return redirect("dashboard")
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    start = (page - 1) * DRAFTS_PER_PAGE
    rows = list(invoice_drafts(supplier=workspace.structure)[start : start + DRAFTS_PER_PAGE + 1])
    return render(
        request,
        "invoices/drafts.html",
        {
            "drafts": rows[:DRAFTS_PER_PAGE],
            "page": page,
            "has_next": len(rows) > DRAFTS_PER_PAGE,
            "has_previous": page > 1,
        },
    )


@login_required
@require_POST
def invoice_draft_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = invoice_draft_get(user=request.user, invoice_id=pk)
    if draft is None:
        raise Http404
    try:
        invoice_draft_delete(invoice=draft, actor=request.user)
    except InvoiceRejected as exc:
        messages.error(request, exc.errors[0].message)
        return redirect("invoices:detail", pk=pk)
    messages.success(request, _("Brouillon supprimé."))
    return redirect("invoices:drafts")


@login_required
@require_POST
def invoice_attachment_remove_view(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    draft = invoice_draft_get(user=request.user, invoice_id=pk)
    if draft is None:
        raise Http404
    try:
        invoice_attachment_remove(invoice=draft, document_id=doc_id, actor=request.user)
    except InvoiceRejected as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, _("Pièce jointe retirée du brouillon."))
    return redirect("invoices:edit", pk=pk)
