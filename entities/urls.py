from __future__ import annotations

app_name = "entities"

urlpatterns: list = []
