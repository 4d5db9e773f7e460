"""EDI over SFTP: suppliers' systems drop invoice files in ``depot/`` and pick up reports (CR)
and status files in ``retour/`` (README « EDI »).

- ``server.py``: the SFTP server (``make edi``), on asyncssh — why asyncssh rather than
  paramiko's server side or OpenSSH's ``sftp-server`` is said there;
- ``services.py``: authentication and lock-out, the intake (claim by atomic rename, then the
  API's ``cpro.flux.flow_deposit`` with channel ``EDI``), the outbox that follows the status
  history from a per-connection cursor (nothing below this app knows it exists), the purge;
- ``formats.py`` and ``schemas/ChorusEdiRetour_V1_0.xsd``: the XML of ``retour/``, modelled on
  the official CPPStatutPivot.

Layering: top layer, beside ``cpro``; it imports cpro, tracking, invoices, suppliers, accounts.
"""
