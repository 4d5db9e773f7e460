"""Admin of the lifecycle: the ECB rates (data the administrators update every half-year), and
read-only views of the history and of the notifications (history is never edited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import EcbRate, Notification, NotificationPreference, StatusEvent


@admin.register(EcbRate)
class EcbRateAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "rate"]
    ordering = ["-starts_on"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyAdmin):
    list_display = [
        "invoice",
        "status",
        "previous_status",
        "at",
        "actor_role",
        "actor_last_name",
        "reason_code",
    ]
    list_filter = ["status", "actor_role"]
    search_fields = ["invoice__number", "=invoice__id"]
    raw_id_fields = ["invoice", "actor"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at", "email_state"]
    list_filter = ["kind", "email_state"]
    search_fields = ["recipient__email", "title"]
    raw_id_fields = ["recipient", "invoice", "event", "digest", "supplier_structure", "public_structure"]
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "supplier_structure", "public_structure", "mode"]
    list_filter = ["mode"]
    raw_id_fields = ["user", "supplier_structure", "public_structure"]
