"""Notifications: the in-app notification centre, the e-mails and the daily digests.

Owns the ``Notification``, ``NotificationPreference`` and ``Digest`` models, the one entry point
``notification_create`` (used by the workflow, the compliance reminders, the help centre and the
membership requests), the e-mail and digest tasks, the centre and the preferences pages.

Layer: below ``tracking`` (which decides who hears of a status change), above ``invoices``,
``entities``, ``suppliers`` and ``accounts``; it imports only those.
"""
