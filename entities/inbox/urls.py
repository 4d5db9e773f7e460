from __future__ import annotations

app_name = "inbox"

urlpatterns: list = []
