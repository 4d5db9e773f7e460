"""The notification centre and the notification preferences of a user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors
from .forms import PreferencesForm
from .services import notification_mark_read, notification_preference_set, notifications_mark_all_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("non-lues") == "1"
    before = request.GET.get("avant") or None
    items, next_cursor = selectors.notifications_page(
        user=request.user, unread_only=unread_only, before=before
    )
    return render(
        request,
        "notifications/notifications.html",
        {
            "items": items,
            "next_cursor": next_cursor,
            "unread_only": unread_only,
            "first_page": before is None,
        },
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_mark_read(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    url = notification.url
    if (
        request.POST.get("rester")
        or not url
        or not url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect("notifications:notifications")
    return redirect(url)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(n)d notification(s) marquée(s) comme lue(s).") % {"n": count})
    return redirect("notifications:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preference_rows(user=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        for row in rows:
            if form.cleaned_data[row.key] != row.mode:
                notification_preference_set(
                    user=request.user, structure=row.structure, mode=form.cleaned_data[row.key]
                )
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "rows": rows})
