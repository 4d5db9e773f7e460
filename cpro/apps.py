from django.apps import AppConfig


class CproConfig(AppConfig):
    """The Chorus Pro API protocol (OAuth2, ``cpro-account``, ``codeRetour`` envelopes).

    One app for the protocol, so that a connector written for the real API works unchanged;
    each endpoint calls the selectors and services of the app that owns the data.
    """

    name = "cpro"
    verbose_name = "API Chorus Pro"
