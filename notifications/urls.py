from __future__ import annotations

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/ouvrir/", views.notification_open, name="notification_open"),
    path("notifications/tout-marquer-lu/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
]
