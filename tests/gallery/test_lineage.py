"""A branch names its parent only to people who may open the parent (issue 12).

A branch's lineage and its JSON export showed a hidden parent's title and slug, and the
branch's cached page kept showing them after the parent was hidden.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.html import escape

from chains.cache import content_changed_on_commit
from chains.models import Chain, Status, Visibility
from chains.services import chain_hide
from tests.factories import make_chain, make_member

pytestmark = pytest.mark.django_db


def finished(**fields) -> Chain:
    chain = make_chain(**fields)
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED, finished_at=timezone.now())
    chain.refresh_from_db()
    return chain


@pytest.fixture
def family():
    owner = make_member("parent-owner")
    parent = finished(title="The original harbour", owner=owner)
    brancher = make_member("brancher")
    branch = finished(title="A branch", parent=parent, fork_step=parent.steps.get(index=0), owner=brancher)
    return owner, parent, branch


def test_a_hidden_parent_is_not_named_to_whoever_still_sees_the_branch(
    client, family, django_capture_on_commit_callbacks
):
    """Hiding a chain hides its branches too; the branch's owner still opens the branch,
    and must not learn the hidden parent's title or link from it."""
    _, parent, branch = family
    client.force_login(branch.owner)
    page = client.get(branch.get_absolute_url()).content.decode()
    assert escape(parent.title) in page and parent.slug in page, "shown while the parent is public"
    with django_capture_on_commit_callbacks(execute=True):
        chain_hide(chain=parent)
    page = client.get(branch.get_absolute_url()).content.decode()
    assert escape(parent.title) not in page and parent.slug not in page
    document = client.get(f"/c/{branch.slug}.json").json()
    assert document["parent"] is None and parent.slug not in str(document)


def test_a_parent_hidden_alone_leaves_the_branchs_cached_page(client, family, django_capture_on_commit_callbacks):
    _, parent, branch = family
    assert parent.slug in client.get(branch.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Chain.objects.filter(pk=parent.pk).update(is_hidden=True)
        content_changed_on_commit(chain_id=parent.pk)  # what any write that hides a chain does
    page = client.get(branch.get_absolute_url()).content.decode()  # the cached copy must not survive
    assert escape(parent.title) not in page and parent.slug not in page


def test_a_parent_made_private_is_named_to_its_owner_only(client, family):
    owner, parent, branch = family
    Chain.objects.filter(pk=parent.pk).update(visibility=Visibility.PRIVATE)
    assert client.get(f"/c/{branch.slug}.json").json()["parent"] is None
    client.force_login(owner)
    assert client.get(f"/c/{branch.slug}.json").json()["parent"]["slug"] == parent.slug
    assert parent.slug in client.get(branch.get_absolute_url()).content.decode()
