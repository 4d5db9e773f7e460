from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to anyone: suppliers and buyers create their account themselves,
    then create or join a structure."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Without django.contrib.sites, allauth names the site after the request's host
        # (« Bonjour, c'est 127.0.0.1:8000 ! »): the e-mails name the portal instead.
        context = {**context, "current_site": PortalSite()}
        super().send_mail(template_prefix, email, context)


class PortalSite:
    """The site as the e-mails name it: « Chorus », at ``SITE_URL``."""

    name = "Chorus"

    @property
    def domain(self) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def __str__(self) -> str:
        return self.name
