"""The roles' groups as the data migration leaves them (not flushed: no transaction=True)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from gallery.roles import MODERATE, ROLE_PERMISSIONS, START_EXPERIMENT

pytestmark = pytest.mark.django_db


def held(group: Group) -> set[str]:
    return {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}


@pytest.mark.parametrize("name", sorted(ROLE_PERMISSIONS))
def test_the_migration_made_each_role_with_its_permissions(name):
    assert held(Group.objects.get(name=name)) == ROLE_PERMISSIONS[name]


def test_the_views_checks_are_in_the_roles():
    assert set(MODERATE) <= ROLE_PERMISSIONS["moderator"]
    assert START_EXPERIMENT in ROLE_PERMISSIONS["researcher"]
