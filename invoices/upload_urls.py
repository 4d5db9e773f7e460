from __future__ import annotations

from django.urls import path

from . import upload_views

app_name = "upload"

urlpatterns = [
    path("factures/deposer/", upload_views.upload, name="upload"),
    path("factures/deposer/<uuid:batch>/", upload_views.upload_status, name="status"),
]
