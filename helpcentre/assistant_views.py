"""The virtual assistant's page, ``/assistant/?q=…``: a plain GET form, so it answers without
JavaScript; ``fragment=1`` returns only the answer, for the panel shown on every page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .assistant import assistant_answer


def assistant(request: HttpRequest) -> HttpResponse:
    answer = assistant_answer(question=request.GET.get("q", ""))
    template = (
        "helpcentre/assistant_answer.html"
        if request.GET.get("fragment") == "1"
        else "helpcentre/assistant.html"
    )
    return render(request, template, {"answer": answer})
