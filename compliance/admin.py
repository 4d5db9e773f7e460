from __future__ import annotations

from django.contrib import admin

from .models import ComplianceReminder, PaperInvoice


@admin.register(PaperInvoice)
class PaperInvoiceAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "invoice_date",
        "supplier_siret",
        "supplier_name",
        "recipient",
        "amount_ttc",
        "source",
    )
    list_filter = ("source",)
    search_fields = ("number", "supplier_siret", "supplier_name", "recipient__name", "recipient__siret")
    date_hierarchy = "invoice_date"
    raw_id_fields = ("recipient", "supplier", "recorded_by")
    list_select_related = ("recipient",)
    show_full_result_count = False  # no COUNT(*) over a large table on each page


@admin.register(ComplianceReminder)
class ComplianceReminderAdmin(admin.ModelAdmin):
    list_display = ("supplier", "sent_at", "sent_by", "as_of", "recipients")
    raw_id_fields = ("supplier", "sent_by")
    list_select_related = ("supplier", "sent_by")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
