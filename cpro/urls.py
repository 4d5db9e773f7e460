from __future__ import annotations

app_name = "cpro"

urlpatterns: list = []
