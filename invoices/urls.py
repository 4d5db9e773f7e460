from __future__ import annotations

from django.urls import path

from . import views

app_name = "invoices"

urlpatterns = [
    path("factures/saisir/", views.invoice_create, name="create"),
    path("factures/brouillons/", views.invoice_drafts_list, name="drafts"),
    path("factures/<int:pk>/", views.invoice_detail, name="detail"),
    path("factures/<int:pk>/modifier/", views.invoice_edit, name="edit"),
    path("factures/<int:pk>/envoyer/", views.invoice_send_confirm, name="send_confirm"),
    path("factures/<int:pk>/supprimer/", views.invoice_draft_delete_view, name="draft_delete"),
    path("factures/<int:pk>/accuse-de-depot/", views.invoice_certificate, name="certificate"),
    path(
        "factures/<int:pk>/documents/<int:doc_id>/", views.invoice_document_download, name="document_download"
    ),
    path(
        "factures/<int:pk>/pieces-jointes/<int:doc_id>/retirer/",
        views.invoice_attachment_remove_view,
        name="attachment_remove",
    ),
]
