from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to anyone: suppliers and buyers create their account themselves,
    then create or join a structure."""
