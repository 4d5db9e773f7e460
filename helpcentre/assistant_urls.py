from __future__ import annotations

from django.urls import path

from . import assistant_views

app_name = "assistant"

urlpatterns = [path("assistant/", assistant_views.assistant, name="ask")]
