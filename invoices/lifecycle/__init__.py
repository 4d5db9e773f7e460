"""The invoice lifecycle, owned by the invoices app: the statuses and their groups, the reason
codes, the actor roles, the history (``StatusEvent``), the transition table with who may
trigger each transition, ``invoice_transition`` (compare-and-set + history row in one
transaction, the workflow's dispatch task sent by name after commit) and the payment clock.

What happens next (notices, workers' steps) belongs to ``tracking``, above.
"""
