"""Admin of notifications: read-only history of what was sent, editable preferences."""

from __future__ import annotations

from django.contrib import admin

from invoices.admin import ReadOnlyAdmin

from .models import Notification, NotificationPreference


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
