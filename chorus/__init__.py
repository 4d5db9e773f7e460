"""The project: settings, URLs, the Celery application, the home page and the dashboard, and
``seed_demo``, which seeds every app's demo data in order.

Layer: the top; may import every app. The layers, top to bottom (README, "How the code is laid
out"): chorus → cpro, compliance, helpcentre → tracking → notifications → invoices → entities,
suppliers → accounts → common.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
