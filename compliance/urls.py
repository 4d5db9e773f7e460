from __future__ import annotations

from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("conformite/", views.dashboard, name="dashboard"),
    path("conformite/export/<slug:name>.csv", views.export, name="export"),
    path("conformite/rappel/", views.remind, name="remind"),
    path("conformite/recalcul/", views.refresh, name="refresh"),
    path("statistiques/", views.statistics, name="statistics"),
    path("factures-papier/", views.paper_invoices, name="paper_invoices"),
    path("factures-papier/importer/", views.paper_import, name="paper_import"),
    path("factures-papier/<int:pk>/supprimer/", views.paper_invoice_delete, name="paper_invoice_delete"),
]
