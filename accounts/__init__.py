"""Accounts: the people and the machines that use the portal.

Owns users (identified by e-mail, django-allauth with TOTP), technical API accounts, the roles
and the approval of memberships (``MembershipBase``), the structure a user works on (the
"workspace", read through the users' reverse relations) and the "Mes demandes" page.

Layer: the bottom app. It imports only ``common`` and never the apps that define structures
(``suppliers``, ``entities``): it names them by model label and starts their work by task name.
"""
