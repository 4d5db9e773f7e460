from __future__ import annotations

app_name = "invoices"

urlpatterns: list = []
