"""Tracking: the workflow around the lifecycle.

Owns the steps the workers run (routing, availability, tacit validation, overdue detection, the
sweeper), the dispatch of each status change (notices: who hears what), the buyer's inbox
(``tracking.inbox``), the supplier's follow-up pages (sent invoices, complete, recycle) and the
validator's pages, and the buyer, supplier and validator actions on an invoice.

Layer: above ``notifications``; may import ``notifications``, ``invoices``, ``entities``,
``suppliers``, ``accounts``.
"""
