from __future__ import annotations

from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("factures-recues/", views.inbox_list, name="list"),
    path("factures-recues/traitement-groupe/", views.inbox_bulk, name="bulk"),
    path("factures-recues/<int:invoice_id>/", views.inbox_detail, name="detail"),
    path(
        "factures-recues/<int:invoice_id>/apercu/<int:document_id>/",
        views.inbox_document_preview,
        name="document_preview",
    ),
]
