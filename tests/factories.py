"""Test data in one place: chains are made through the real service, never by hand."""

from __future__ import annotations

from chains.services import chain_create
from tests.support.providers import solid_png

SCRIPTED = "tests.support.providers"
# The shared `member` fixture's password (tests/conftest.py), for the log-in tests.
MEMBER_PASSWORD = "correct horse battery staple"


def make_chain(*, target_length: int = 3, provider: str = SCRIPTED, **fields):
    fields.setdefault("image", solid_png())
    # As an approved submission's: screened on upload. Branches and experiments pass False.
    fields.setdefault("origin_screened", True)
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


def make_staff(username: str, *, roles: tuple[str, ...] = (), **fields):
    """A staff account holding the given roles (gallery.roles groups: "moderator",
    "researcher"); staff with no role may open the admin but act on nothing.

    The groups come from a data migration, which transactional tests flush away, so
    they are put back here from gallery.roles when missing."""
    from django.contrib.auth.models import Group, Permission

    from gallery.roles import ROLE_PERMISSIONS

    user = make_member(username, is_staff=True, **fields)
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role)
        for code in ROLE_PERMISSIONS[role]:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        user.groups.add(group)
    return user


def make_moderator(username: str = "mod", **fields):
    return make_staff(username, roles=("moderator",), **fields)
