from __future__ import annotations

from django.urls import path

from . import staff_views, views

app_name = "helpcentre"

urlpatterns = [
    path("aide/", views.home, name="home"),
    path("aide/<slug:slug>/", views.article, name="article"),
    path("sollicitations/", views.request_list, name="request_list"),
    path("sollicitations/nouvelle/", views.request_new, name="request_new"),
    path("sollicitations/<int:pk>/", views.request_detail, name="request_detail"),
    path("sollicitations/<int:pk>/cloturer/", views.request_close, name="request_close"),
    path("sollicitations/pieces-jointes/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("support/sollicitations/", staff_views.staff_request_list, name="staff_requests"),
    path("support/sollicitations/<int:pk>/", staff_views.staff_request_detail, name="staff_request_detail"),
    path(
        "support/sollicitations/<int:pk>/<slug:action>/",
        staff_views.staff_request_action,
        name="staff_request_action",
    ),
]
