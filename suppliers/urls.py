from __future__ import annotations

from django.urls import path

from accounts import views as account_views

from . import views

app_name = "suppliers"

urlpatterns = [
    path("fournisseur/structure/creer/", views.structure_create, name="structure_create"),
    path("fournisseur/structure/rejoindre/", views.structure_join, name="structure_join"),
    path("structures/mes-demandes/", account_views.my_requests, name="my_requests"),
    path("structures/mes-demandes/<int:pk>/annuler/", views.my_request_cancel, name="my_request_cancel"),
    path("fournisseur/structure/", views.structure_detail, name="structure_detail"),
    path("fournisseur/structure/modifier/", views.structure_update, name="structure_update"),
    path("fournisseur/structure/iban/ajouter/", views.bank_account_add, name="bank_account_add"),
    path(
        "fournisseur/structure/iban/<int:pk>/desactiver/",
        views.bank_account_deactivate,
        name="bank_account_deactivate",
    ),
    path("fournisseur/structure/approbations/", views.approvals, name="approvals"),
    path("fournisseur/structure/membres/<int:pk>/approuver/", views.member_approve, name="member_approve"),
    path("fournisseur/structure/membres/<int:pk>/refuser/", views.member_refuse, name="member_refuse"),
    path("fournisseur/structure/membres/<int:pk>/role/", views.member_role, name="member_role"),
    path("fournisseur/structure/membres/<int:pk>/retirer/", views.member_remove, name="member_remove"),
    path("fournisseur/structure/membres/<int:pk>/transferer/", views.member_transfer, name="member_transfer"),
    path("fournisseur/structure/compte-technique/", views.technical_account, name="technical_account"),
    path("fournisseurs/recherche.json", views.structure_search_json, name="structure_search_json"),
]
