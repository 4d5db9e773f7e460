from __future__ import annotations

app_name = "suppliers"

urlpatterns: list = []
