from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as account_views

from . import views

handler403 = "chorus.views.error_403"
handler404 = "chorus.views.error_404"
handler500 = "chorus.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_page, {"page": "mentions_legales"}, name="legal_notice"),
    path("donnees-personnelles/", views.legal_page, {"page": "donnees_personnelles"}, name="privacy"),
    path("gestion-des-cookies/", views.legal_page, {"page": "cookies"}, name="cookies"),
    path("accessibilite/", views.legal_page, {"page": "accessibilite"}, name="accessibility"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("structure/choisir/", account_views.workspace_select, name="workspace_select"),
    path("compte/", include("allauth.urls")),
    path("langue/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("suppliers.urls")),
    path("", include("entities.urls")),
    path("", include("invoices.urls")),
    path("", include("invoices.upload_urls")),
    path("", include("tracking.inbox.urls")),
    path("", include("tracking.urls")),
    path("", include("notifications.urls")),
    path("", include("cpro.urls")),
    path("", include("compliance.urls")),
    path("", include("helpcentre.urls")),
    path("", include("edi.urls")),
    path("", include("portalpro.urls")),
    path("", include("helpcentre.assistant_urls")),
]
