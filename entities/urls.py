from __future__ import annotations

from django.urls import path

from . import views

app_name = "entities"

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path("annuaire/recherche.json", views.directory_search_json, name="directory_search_json"),
    path("annuaire/<str:siret>/services.json", views.directory_services_json, name="directory_services_json"),
    path("annuaire/<str:siret>/", views.directory_detail, name="directory_detail"),
    path("acheteur/structure/rattacher/", views.attach_request, name="attach_request"),
    path("acheteur/demandes/<int:pk>/annuler/", views.my_request_cancel, name="my_request_cancel"),
    path("acheteur/structure/", views.structure_detail, name="structure_detail"),
    path("acheteur/structure/approbations/", views.approvals, name="approvals"),
    path("acheteur/structure/membres/<int:pk>/approuver/", views.member_approve, name="member_approve"),
    path("acheteur/structure/membres/<int:pk>/refuser/", views.member_refuse, name="member_refuse"),
    path("acheteur/structure/membres/<int:pk>/role/", views.member_role, name="member_role"),
    path("acheteur/structure/membres/<int:pk>/retirer/", views.member_remove, name="member_remove"),
    path("acheteur/structure/membres/<int:pk>/transferer/", views.member_transfer, name="member_transfer"),
    path("acheteur/structure/membres/<int:pk>/services/", views.member_services, name="member_services"),
    path("acheteur/structure/compte-technique/", views.technical_account, name="technical_account"),
]
