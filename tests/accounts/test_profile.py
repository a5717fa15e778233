"""The profile page: my chains, my submissions with their status, my stars; nobody
else's, and a query count that does not grow with content."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from chains.models import Chain, Visibility
from gallery.models import Star, Submission, SubmissionStatus
from tests.factories import make_chain

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/me/"


@pytest.fixture
def other(db):
    return get_user_model().objects.create_user("eve", password="x")


def submission(owner, title, status=SubmissionStatus.PENDING, **fields):
    return Submission.objects.create(
        owner=owner, title=title, status=status, image=f"submissions/{title}.webp", width=64, height=48, **fields
    )


def test_the_profile_needs_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={PROFILE}"


def test_the_profile_is_never_cached(client, member):
    client.force_login(member)
    assert "no-store" in client.get(PROFILE)["Cache-Control"]


def test_my_chains_lists_every_visibility_of_mine_and_nothing_of_others(client, member, other):
    make_chain(title="Mine public", owner=member)
    make_chain(title="Mine private", owner=member, visibility=Visibility.PRIVATE)
    make_chain(title="Mine unlisted", owner=member, visibility=Visibility.UNLISTED)
    make_chain(title="Not mine", owner=other)
    client.force_login(member)
    response = client.get(PROFILE)
    titles = [chain.title for chain in response.context["chains"]]
    assert sorted(titles) == ["Mine private", "Mine public", "Mine unlisted"]
    page = response.content.decode()
    assert "Not mine" not in page and 'class="chain-card"' in page
    assert "Private" in page and "Unlisted (link only)" in page


def test_submissions_show_status_reason_and_chain_link(client, member):
    chain = make_chain(title="Approved chain", owner=member)
    submission(member, "Waiting")
    submission(member, "Refused", SubmissionStatus.REJECTED, moderator_note="Contains a watermark.")
    approved = submission(member, "Accepted", SubmissionStatus.APPROVED, chain=chain)
    client.force_login(member)
    page = client.get(PROFILE).content.decode()
    assert "Waiting for review" in page and "Rejected" in page and "Approved" in page
    assert "Contains a watermark." in page
    assert chain.get_absolute_url() in page
    pending = Submission.objects.get(title="Waiting")
    assert f'src="{pending.get_image_url()}"' in page
    assert f'src="{approved.get_image_url()}"' not in page, "only pending ones show the private image"


def test_never_shows_another_users_submissions(client, member, other):
    submission(other, "Eve's secret pending")
    submission(other, "Eve's rejection", SubmissionStatus.REJECTED, moderator_note="private note")
    client.force_login(member)
    page = client.get(PROFILE).content.decode()
    assert "Eve" not in page and "private note" not in page
    assert "Nothing submitted yet" in page


def test_starred_lists_public_chains_and_my_own_but_not_hidden_or_private_ones(client, member, other):
    public = make_chain(title="Starred public", owner=other)
    hidden = make_chain(title="Starred then hidden", owner=other)
    private = make_chain(title="Starred then private", owner=other, visibility=Visibility.PRIVATE)
    own_private = make_chain(title="My own private", owner=member, visibility=Visibility.PRIVATE)
    make_chain(title="Never starred", owner=other)
    Chain.objects.filter(pk=hidden.pk).update(is_hidden=True)
    for chain in (public, hidden, private, own_private):
        Star.objects.create(user=member, chain=chain)
    Star.objects.create(user=other, chain=make_chain(title="Eve's star", owner=other))
    client.force_login(member)
    starred = [chain.title for chain in client.get(PROFILE).context["starred"]]
    assert starred == ["My own private", "Starred public"]


def test_empty_profile_explains_what_each_section_is_for(client, member):
    client.force_login(member)
    page = client.get(PROFILE).content.decode()
    assert "You have no chains yet" in page and "Nothing submitted yet" in page and "No stars yet" in page
    assert 'href="/submit/"' in page


def fill(owner, other, count: int) -> None:
    for number in range(count):
        chain = make_chain(title=f"Chain {owner.username} {number}", owner=owner, target_length=1)
        submission(owner, f"Sub {number}", SubmissionStatus.APPROVED, chain=chain)
        submission(owner, f"Pending {number}")
        submission(owner, f"Rejected {number}", SubmissionStatus.REJECTED, moderator_note="no")
        Star.objects.create(user=owner, chain=make_chain(title=f"Theirs {number}", owner=other, target_length=1))


def test_query_count_does_not_grow_with_content(client, member, other, django_assert_max_num_queries):
    client.force_login(member)
    fill(member, other, 1)
    with django_assert_max_num_queries(5):  # session, user, chains, submissions, stars
        assert client.get(PROFILE).status_code == 200
    fill(member, other, 6)
    with django_assert_max_num_queries(5):
        response = client.get(PROFILE)
    assert len(response.context["submissions"]) == 21 and len(response.context["starred"]) == 7


def test_long_lists_are_cut_with_a_note(client, member, other, monkeypatch):
    monkeypatch.setattr("accounts.selectors.PROFILE_LIST_LIMIT", 2)
    fill(member, other, 3)
    client.force_login(member)
    response = client.get(PROFILE)
    assert len(response.context["chains"]) == 2 and response.context["more_chains"]
    assert "Showing your 2 newest chains." in response.content.decode()
