"""What the ``/cpro/transverses/v1/`` endpoints share."""

from __future__ import annotations

# Their group in the documentation (OpenAPI tag).
TAG = "Transverses"
