"""Helpers of the structure stories (the cast is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from accounts.workspace import SESSION_KEY
from tests.factories import PASSWORD


def log_in(client, user, workspace: str | None = None):
    """Log ``user`` in (through the real authentication backend) and select a workspace."""
    assert client.login(email=user.email, password=PASSWORD)
    if workspace:
        session = client.session
        session[SESSION_KEY] = workspace
        session.save()
    return client


@pytest.fixture
def as_user(client):
    def _as(user, workspace: str | None = None):
        return log_in(client, user, workspace)

    return _as
