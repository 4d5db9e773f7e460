from __future__ import annotations

from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("suivi/factures-envoyees/", views.sent_list, name="sent"),
    path("suivi/factures/<int:invoice_id>/completer/", views.complete, name="complete"),
    path("suivi/factures/<int:invoice_id>/recycler/", views.recycle, name="recycle"),
    path(
        "suivi/factures/<int:invoice_id>/traiter-rejet/",
        views.acknowledge_rejection,
        name="acknowledge_rejection",
    ),
    path("suivi/factures-a-valider/", views.validation_list, name="validations"),
    path("suivi/factures-a-valider/traitement-groupe/", views.validation_bulk, name="validations_bulk"),
    path("suivi/factures-a-valider/<int:invoice_id>/", views.validation_detail, name="validation_detail"),
    path(
        "suivi/factures-a-valider/<int:invoice_id>/apercu/",
        views.validation_preview,
        name="validation_preview",
    ),
    path(
        "suivi/factures-a-valider/<int:invoice_id>/apercu/<int:document_id>/",
        views.validation_document_preview,
        name="validation_document_preview",
    ),
]
