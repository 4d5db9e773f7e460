"""Shared building blocks below every app: no models, no import of any project app.

What lives here is used by several layers and belongs to none: sending a Celery task by name,
structure identifiers (SIRET, VAT, IBAN…), pagination, document streaming, form fields.
"""
