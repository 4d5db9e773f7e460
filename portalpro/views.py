"""Pages of Chorus Portal Pro: the forms open to the current structure, the memo of court fees
and the TIC/TICGN refund request. Thin views: the forms type the input, ``portalpro.services``
sends, the checks of ``invoices.checks`` say what is wrong."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from invoices.choices import Framework
from invoices.data import AttachmentData
from invoices.errors import CheckError, InvoiceRejected
from invoices.frameworks import framework_refusal, supplier_is_vat_liable

from . import selectors, services
from .forms import MemoForm, MemoLineFormSet, TicRefundForm

# Where a check error on a data field is shown on these forms.
_FIELDS = {
    "engagement_number": "requisition",
    "recipient_siret": "recipient_siret",
    "number": "number",
    "invoice_date": "invoice_date",
    "iban": "iban",
    "attachments": "attachments",
    "comment": "comment",
}


def _supplier(request: HttpRequest) -> Any:
    workspace = getattr(request, "workspace", None)
    return workspace.structure if workspace is not None and workspace.is_supplier else None


def _ibans(supplier: Any) -> list[str]:
    return list(supplier.bank_accounts.filter(active=True).order_by("pk").values_list("iban", flat=True))


def _attachments(files: list[Any]) -> list[AttachmentData]:
    return [
        AttachmentData(name=f.name, content=f.read(), content_type=getattr(f, "content_type", ""))
        for f in files
    ]


def _attach(form: Any, formset: Any, errors: list[CheckError]) -> list[CheckError]:
    """Put each check error next to its field; return those that belong to no field."""
    general = []
    for error in errors:
        if formset is not None and error.field.startswith("lines-"):
            _prefix, index, name = error.field.split("-", 2)
            forms = [f for f in formset.forms if f.has_changed()]
            if int(index) < len(forms) and name in forms[int(index)].fields:
                forms[int(index)].add_error(name, error.message)
                continue
        name = _FIELDS.get(error.field)
        if name and name in form.fields:
            form.add_error(name, error.message)
        else:
            general.append(error)
    return general


@login_required
def home(request: HttpRequest) -> HttpResponse:
    supplier = _supplier(request)
    forms = []
    if supplier is not None:
        for framework, url in ((Framework.A3, "portalpro:memo"), (Framework.A21, "portalpro:tic")):
            forms.append(
                {
                    "framework": Framework(framework),
                    "url": url,
                    "refusal": framework_refusal(supplier=supplier, framework=framework),
                }
            )
    return render(request, "portalpro/home.html", {"supplier": supplier, "forms": forms})


@login_required
@require_http_methods(["GET", "POST"])
def memo(request: HttpRequest) -> HttpResponse:
    supplier = _supplier(request)
    if supplier is None:
        messages.warning(
            request,
            _("Pour déposer un mémoire, travaillez pour votre structure (ou votre compte sans SIRET)."),
        )
        return redirect("dashboard")
    liable = supplier_is_vat_liable(supplier=supplier)
    form = MemoForm(
        request.POST or None,
        request.FILES or None,
        recipients=selectors.justice_recipients(),
        ibans=_ibans(supplier),
    )
    formset = MemoLineFormSet(request.POST or None, prefix="lines")
    general: list[CheckError] = []
    refusal = framework_refusal(supplier=supplier, framework=Framework.A3)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        c = form.cleaned_data
        lines = [
            services.MemoLine(
                designation=f.cleaned_data["designation"],
                quantity=f.cleaned_data["quantity"],
                unit=f.cleaned_data["unit"],
                unit_price=f.cleaned_data["unit_price"],
                # Not liable to VAT: every line at 0 %, the portal prints the legal mention.
                vat_rate=Decimal(f.cleaned_data.get("vat_rate") or "0") if liable else Decimal(0),
            )
            for f in formset.forms
            if f.has_changed() and f.cleaned_data
        ]
        data = services.MemoData(
            recipient_siret=c["recipient_siret"],
            number=c["number"],
            invoice_date=c["invoice_date"],
            requisition=c["requisition"],
            lines=lines,
            iban=c["iban"],
            comment=c["comment"],
            attachments=_attachments(c["attachments"]),
        )
        try:
            invoice = services.memo_submit(supplier=supplier, actor=request.user, memo=data)
        except InvoiceRejected as exc:
            general = _attach(form, formset, exc.errors)
        else:
            messages.success(
                request,
                _(
                    "Votre mémoire n° %(number)s est déposé : la juridiction le traite, vous êtes "
                    "prévenu à chaque étape."
                )
                % {"number": invoice.number},
            )
            return redirect("invoices:detail", pk=invoice.pk)
    return render(
        request,
        "portalpro/memo_form.html",
        {
            "form": form,
            "formset": formset,
            "liable": liable,
            "general_errors": general,
            "refusal": refusal,
            "supplier": supplier,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tic(request: HttpRequest) -> HttpResponse:
    supplier = _supplier(request)
    if supplier is None:
        messages.warning(
            request, _("Pour déposer une demande de remboursement, travaillez pour votre structure.")
        )
        return redirect("dashboard")
    refusal = framework_refusal(supplier=supplier, framework=Framework.A21)
    if refusal is not None:
        return render(
            request, "portalpro/tic_form.html", {"refusal": refusal, "supplier": supplier}, status=403
        )
    periods = selectors.tic_periods()
    key = request.POST.get("period") or request.GET.get("periode") or (periods[0].key if periods else "")
    period = selectors.TicPeriod.from_key(key) or (periods[0] if periods else None)
    rates = selectors.tic_rates(period=period) if period else []
    form = TicRefundForm(
        request.POST or None,
        request.FILES or None,
        recipients=selectors.customs_offices(),
        periods=periods,
        rates=rates,
        ibans=_ibans(supplier),
        initial={
            "period": period.key if period else "",
            "number": f"TIC-{period.start:%Y}" if period else "",
        },
    )
    general: list[CheckError] = []
    if request.method == "POST" and form.is_valid() and period is not None:
        c = form.cleaned_data
        data = services.TicRefundData(
            recipient_siret=c["recipient_siret"],
            number=c["number"],
            invoice_date=timezone.localdate(),
            period=period,
            volumes=form.volumes(),
            iban=c["iban"],
            comment=c["comment"],
            attachments=_attachments(c["attachments"]),
        )
        try:
            invoice = services.tic_refund_submit(supplier=supplier, actor=request.user, request=data)
        except InvoiceRejected as exc:
            general = _attach(form, None, exc.errors)
        else:
            messages.success(
                request,
                _(
                    "Votre demande de remboursement n° %(number)s est déposée (%(amount)s €) : le "
                    "bureau de douane la traite."
                )
                % {"number": invoice.number, "amount": invoice.amount_due},
            )
            return redirect("invoices:detail", pk=invoice.pk)
    return render(
        request,
        "portalpro/tic_form.html",
        {"form": form, "rates": rates, "period": period, "general_errors": general, "supplier": supplier},
    )
