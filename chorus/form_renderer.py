"""The DSFR form renderer, which also finds the portal's own field templates (``templates/``),
e.g. ``portal/field_required_when.html`` of ``common.required``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.functional import cached_property
from dsfr.forms import DsfrDjangoTemplates


class PortalFormRenderer(DsfrDjangoTemplates):
    @cached_property
    def engine(self) -> Any:  # type: ignore[override]
        engine = super().engine
        project_dirs = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
        engine.engine.dirs = [*project_dirs, *engine.engine.dirs]
        return engine
