"""Who may moderate and who may start experiments: Django permissions, granted by group.

Being staff only opens the admin; what a staff member may do there and on the site is
what their permissions say (a staff account with none could approve submissions and
start experiments before issue 12). Two groups made by a data migration
(gallery/migrations/0002_roles.py, which spells the permissions out as migrations
must) carry the site's two roles; superusers hold every permission anyway.
"""

from __future__ import annotations

MODERATOR_GROUP = "moderator"
RESEARCHER_GROUP = "researcher"
# Deciding submissions and resolving reports: the moderation queue's two halves.
MODERATE = ("gallery.change_submission", "gallery.change_report")
# An experiment starts one chain per setting, on the paid models too.
START_EXPERIMENT = "chains.add_experiment"
# What each group holds; the data migration keeps a frozen copy, and
# tests/gallery/test_roles.py checks the two agree.
ROLE_PERMISSIONS = {
    MODERATOR_GROUP: {*MODERATE, "gallery.view_submission", "gallery.view_report", "gallery.view_reportevent"},
    RESEARCHER_GROUP: {START_EXPERIMENT, "chains.view_experiment"},
}


def may_moderate(user) -> bool:
    return user.is_authenticated and user.has_perms(MODERATE)


def may_start_experiments(user) -> bool:
    return user.is_authenticated and user.has_perm(START_EXPERIMENT)
