"""The support team's pages: the list of support requests (filters) and one request (thread,
attachments, answer, take in charge, close), in the portal rather than only in the admin."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import StaffFilterForm, StaffReplyForm
from .models import RequestStatus
from .views import _page_number


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Support pages exist only for the support team (staff): anyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@staff_only
def staff_request_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = selectors.support_requests_for_staff(
        user=request.user,
        status=data.get("statut", ""),
        category=data.get("categorie", ""),
        taken=data.get("prise_en_charge", ""),
        q=data.get("q", ""),
        page=_page_number(request),
    )
    counts = selectors.support_request_counts()
    return render(
        request,
        "helpcentre/staff_list.html",
        {
            "form": form,
            "page": page,
            "counts": [(s.value, s.label, counts.get(s.value, 0)) for s in RequestStatus],
            "current_status": data.get("statut", ""),
        },
    )


def _get(request: HttpRequest, pk: int) -> Any:
    support_request = selectors.support_request_get_for_user(user=request.user, pk=pk)
    if support_request is None:
        raise Http404
    return support_request


@staff_only
def staff_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = _get(request, pk)
    form = StaffReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_reply(
                support_request=support_request,
                author=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
                as_staff=True,
                expected=request.POST.get("statut") or None,
            )
            if form.cleaned_data["close"]:
                services.support_request_close(support_request=support_request, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Votre réponse est envoyée à %(who)s.")
                % {"who": support_request.author.get_full_name() or support_request.author.email},
            )
            return redirect("helpcentre:staff_request_detail", pk=support_request.pk)
    return render(
        request,
        "helpcentre/staff_detail.html",
        {
            "support_request": support_request,
            "thread": selectors.support_messages(support_request=support_request),
            "form": form,
        },
    )


@staff_only
@require_POST
def staff_request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    support_request = _get(request, pk)
    try:
        if action == "prendre":
            services.support_request_take(support_request=support_request, actor=request.user)
            messages.success(request, _("Vous avez pris en charge cette sollicitation."))
        elif action == "cloturer":
            services.support_request_close(support_request=support_request, actor=request.user)
            messages.success(request, _("La sollicitation est clôturée ; son auteur en est prévenu."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("helpcentre:staff_request_detail", pk=support_request.pk)
