"""The roles' groups as the data migration leaves them."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gallery.roles import MODERATE, ROLE_PERMISSIONS, START_EXPERIMENT

pytestmark = pytest.mark.django_db

ROLES_MIGRATION = ("gallery", "0002_roles")


@pytest.fixture(autouse=True)
def roles_as_the_migration_makes_them():
    """The groups the data migration made, made again by its own function if they are gone.

    Under pytest-xdist a test process may run a transactional test (a real worker's, say)
    before this module; its flush empties every table, the migration's rows included, and
    only permissions and content types come back by themselves (post_migrate). Running the
    migration's `add_roles` on the models as they stood at that migration tests what a
    fresh database gets, whatever ran before. Inside the test's transaction: rolled back."""
    if Group.objects.filter(name__in=ROLE_PERMISSIONS).count() == len(ROLE_PERMISSIONS):
        return
    state = MigrationExecutor(connection).loader.project_state(ROLES_MIGRATION, at_end=True)
    migration = importlib.import_module(f"{ROLES_MIGRATION[0]}.migrations.{ROLES_MIGRATION[1]}")
    migration.add_roles(state.apps, None)  # it uses only the models


def held(group: Group) -> set[str]:
    return {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}


@pytest.mark.parametrize("name", sorted(ROLE_PERMISSIONS))
def test_the_migration_made_each_role_with_its_permissions(name):
    assert held(Group.objects.get(name=name)) == ROLE_PERMISSIONS[name]


def test_the_views_checks_are_in_the_roles():
    assert set(MODERATE) <= ROLE_PERMISSIONS["moderator"]
    assert START_EXPERIMENT in ROLE_PERMISSIONS["researcher"]
