"""Help centre pages (public) and support requests (logged-in users)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoices.selectors import invoice_get_for_user

from . import selectors, services
from .forms import ReplyForm, SearchForm, SupportRequestForm


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def home(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context = {"form": form, "query": query}
    if query:
        context["results"] = selectors.articles_search(query=query)
    else:
        context["guides"] = selectors.guides()
        context["faq"] = selectors.faq()
    return render(request, "helpcentre/home.html", context)


def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.article_get(slug=slug)
    if found is None:
        raise Http404
    return render(request, "helpcentre/article.html", {"article": found})


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    page = selectors.support_requests_for_user(user=request.user, page=_page_number(request))
    return render(request, "helpcentre/request_list.html", {"page": page})


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("facture", "").isdigit():
        # From an invoice page: prefill the number the user knows, not the internal id.

        invoice = invoice_get_for_user(user=request.user, invoice_id=int(request.GET["facture"]))
        if invoice is not None:
            initial["invoice"] = invoice.number or str(invoice.pk)
    form = SupportRequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_request = services.support_request_open(
                author=request.user,
                category=data["category"],
                subject=data["subject"],
                body=data["body"],
                invoice_reference=data["invoice"],
                attachment=data["attachment"],
                workspace=getattr(request, "workspace", None),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Votre sollicitation %(reference)s est enregistrée : le support vous répondra ici "
                    "et vous serez prévenu par une notification."
                )
                % {"reference": support_request.reference},
            )
            return redirect("helpcentre:request_detail", pk=support_request.pk)
    return render(request, "helpcentre/request_new.html", {"form": form})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = selectors.support_request_get_for_user(user=request.user, pk=pk)
    if support_request is None:
        raise Http404
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_reply(
                support_request=support_request,
                author=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
                expected=request.POST.get("statut") or None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Votre message est envoyé au support."))
            return redirect("helpcentre:request_detail", pk=support_request.pk)
    return render(
        request,
        "helpcentre/request_detail.html",
        {
            "support_request": support_request,
            "thread": selectors.support_messages(support_request=support_request),
            "form": form,
            "can_reply": support_request.author_id == request.user.pk,
        },
    )


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = selectors.support_request_get_for_user(user=request.user, pk=pk)
    if support_request is None or support_request.author_id != request.user.pk:
        raise Http404
    try:
        services.support_request_close(support_request=support_request, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("La sollicitation %(reference)s est clôturée.") % {"reference": support_request.reference},
        )
    return redirect("helpcentre:request_detail", pk=support_request.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.support_attachment_get_for_user(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download, never rendered in the portal's origin (HTML and SVG are accepted files).
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
