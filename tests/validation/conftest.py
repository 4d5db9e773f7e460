from tests.api.conftest import api, oauth_app, tech_accounts  # noqa: F401  (the API's cast)
