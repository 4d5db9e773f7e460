from django.apps import AppConfig


class EdiConfig(AppConfig):
    """EDI over SFTP: suppliers' systems drop invoice files and pick up reports (``edi/__init__``)."""

    name = "edi"
    verbose_name = "EDI (SFTP)"
