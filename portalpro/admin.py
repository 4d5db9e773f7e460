from __future__ import annotations

from django.contrib import admin

from .models import TicRefundRate


@admin.register(TicRefundRate)
class TicRefundRateAdmin(admin.ModelAdmin):
    list_display = ("product", "period_start", "period_end", "rate", "unit_label", "source")
    list_filter = ("product",)
    search_fields = ("source",)
