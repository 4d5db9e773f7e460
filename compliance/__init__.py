"""Compliance: paper invoices recorded by public buyers, the compliance dashboard against the
obligation calendar, reminders and the statistics (summary tables refreshed nightly).

Layer: top, beside ``cpro`` and ``helpcentre``; may import ``tracking`` and everything below.
"""
