"""Test data in one place: chains are made through the real service, never by hand."""

from __future__ import annotations

from chains.services import chain_create
from tests.support.providers import solid_png

SCRIPTED = "tests.support.providers"


def make_chain(*, target_length: int = 3, provider: str = SCRIPTED, **fields):
    fields.setdefault("image", solid_png())
    return chain_create(target_length=target_length, provider=provider, **fields)


def make_member(username: str, *, password: str | None = "x", verified: bool = True, **fields):
    """A user as sign-up leaves them: with an email address, confirmed unless told otherwise.

    Submitting and branching need a confirmed address (allauth's EmailAddress row),
    and log-in through allauth needs one too; create_user alone makes neither.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    fields.setdefault("email", f"{username.lower()}@example.org")
    user = get_user_model().objects.create_user(username, password=password, **fields)
    EmailAddress.objects.create(user=user, email=user.email.lower(), primary=True, verified=verified)
    return user
