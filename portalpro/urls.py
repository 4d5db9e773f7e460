from __future__ import annotations

from django.urls import path

from . import views

app_name = "portalpro"

urlpatterns = [
    path("portail-pro/", views.home, name="home"),
    path("portail-pro/memoire-de-frais-de-justice/", views.memo, name="memo"),
    path("portail-pro/remboursement-tic-ticgn/", views.tic, name="tic"),
]
