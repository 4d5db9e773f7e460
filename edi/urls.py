from django.urls import path

from . import views

app_name = "edi"

urlpatterns = [
    path("fournisseur/structure/compte-technique/edi/cles/", views.key_add, name="key_add"),
    path(
        "fournisseur/structure/compte-technique/edi/cles/<int:pk>/retirer/",
        views.key_remove,
        name="key_remove",
    ),
    path("fournisseur/structure/compte-technique/edi/statuts/", views.status_files, name="status_files"),
]
