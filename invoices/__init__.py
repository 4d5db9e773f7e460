"""Invoices: the payment request in every channel and its lifecycle.

Owns the invoice model, the entry form, the checks, the validation engine of deposited files
(``invoices.validation``), the intake shared by upload and API, the documents (Factur-X,
certificate, streaming with SHA-256 re-check), the visibility rules of each side
(``invoices.selectors``) and ``invoices.lifecycle``: statuses, reasons, history, the transition
table and ``invoice_transition``, the payment clock.

Layer: above ``entities``, ``suppliers`` and ``accounts``, which it may import; what happens
after a status change (``tracking``) is started by task name, never imported.
"""
