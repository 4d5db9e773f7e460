from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .selectors import user_pending_requests
from .workspace import select_workspace, workspaces_for_user


@login_required
@require_http_methods(["GET", "POST"])
def workspace_select(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        workspace = select_workspace(request, request.POST.get("workspace", ""))
        if workspace is None:
            messages.error(request, _("Vous n'êtes pas rattaché à cette structure."))
        else:
            messages.success(
                request, _("Vous travaillez maintenant pour %(name)s.") % {"name": workspace.structure.name}
            )
            return redirect("dashboard")
    return render(request, "portal/workspace_select.html", {"choices": workspaces_for_user(request.user)})


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The user's requests to join supplier and public structures, not yet approved."""
    supplier_requests, buyer_requests = user_pending_requests(user=request.user)
    return render(
        request,
        "suppliers/my_requests.html",
        {"supplier_requests": supplier_requests, "buyer_requests": buyer_requests},
    )
