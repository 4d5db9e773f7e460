from __future__ import annotations

app_name = "helpcentre"

urlpatterns: list = []
