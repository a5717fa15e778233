"""The moderation queue, reports, stars and branches."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chains.models import Chain, Status
from gallery.models import Report, ReportStatus, Star, Submission, SubmissionStatus
from gallery.services import MODERATION_NOTE_REQUIRED, submission_create
from tests.factories import make_chain, make_member, make_moderator, make_staff
from tests.support import images as sample
from tests.support import providers as scripted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs", "scripted_provider")]
User = get_user_model()


@pytest.fixture
def staff_client():
    """A second browser, so tests can act as a member and as staff side by side."""
    from django.test import Client

    staff = Client()
    staff.force_login(make_moderator())
    return staff


def pending(member, **fields) -> Submission:
    values = {"title": "A red square", "mode": "telephone", "detail": "very", "target_length": 2}
    values.update(fields)
    return submission_create(owner=member, image=sample.cmyk_jpeg(), **values)


def test_the_queue_is_staff_only(client, member):
    """The one staff gate: visitors go to the site's log-in, members get the 403 page."""
    pending(member)
    anonymous = client.get("/moderation/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    client.force_login(member)
    assert client.get("/moderation/").status_code == 403
    assert (
        client.post(
            f"/moderation/submissions/{Submission.objects.get().pk}/", {"decision": "approve", "note": "ok"}
        ).status_code
        == 403
    )
    assert Submission.objects.get().status == SubmissionStatus.PENDING


def test_staff_without_the_moderator_role_cannot_moderate(client, member):
    """Issue 12: a staff account with no permissions approved submissions."""
    submission = pending(member)
    client.force_login(make_staff("bare-staff"))
    assert client.get("/moderation/").status_code == 403
    decision = {"decision": "approve", "note": "ok"}
    assert client.post(f"/moderation/submissions/{submission.pk}/", decision).status_code == 403
    assert client.get(f"/submissions/{submission.pk}/image/").status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING and submission.chain is None
    assert 'href="/moderation/"' not in client.get("/gallery/").content.decode()


def test_a_moderator_sees_the_queue_and_its_link(client, member):
    client.force_login(make_moderator("helper"))
    assert client.get("/moderation/").status_code == 200
    assert 'href="/moderation/"' in client.get("/gallery/").content.decode()


def test_the_queue_lists_flagged_submissions_first(staff_client, member):
    pending(member, title="Plain one")
    scripted.flagging.add("image")
    pending(member, title="Flagged one")
    page = staff_client.get("/moderation/").content.decode()
    assert page.index("Flagged one") < page.index("Plain one")
    assert "Flagged by automatic screening" in page


def test_approval_needs_a_note(staff_client, member):
    submission = pending(member)
    response = staff_client.post(
        f"/moderation/submissions/{submission.pk}/", {"decision": "approve", "note": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400 and MODERATION_NOTE_REQUIRED in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING and not Chain.objects.exists()


def test_approval_creates_and_starts_the_public_chain(staff_client, member, client):
    submission = pending(member)
    response = staff_client.post(
        f"/moderation/submissions/{submission.pk}/",
        {"decision": "approve", "note": "Lovely"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "see the chain" in response.content.decode()
    submission.refresh_from_db()
    chain = submission.chain
    assert submission.status == SubmissionStatus.APPROVED and chain.owner == member
    assert chain.status == Status.COMPLETED and chain.steps.count() == 3
    assert Chain.objects.listed().filter(pk=chain.pk).exists()


def test_a_submission_is_reviewed_once(staff_client, member):
    submission = pending(member)
    staff_client.post(f"/moderation/submissions/{submission.pk}/", {"decision": "reject", "note": "Blurry"})
    response = staff_client.post(
        f"/moderation/submissions/{submission.pk}/",
        {"decision": "approve", "note": "Changed my mind"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400 and "already been reviewed" in response.content.decode()
    assert not Chain.objects.exists()


def test_rejection_shows_the_submitter_the_reason(staff_client, member, client):
    submission = pending(member)
    staff_client.post(f"/moderation/submissions/{submission.pk}/", {"decision": "reject", "note": "Too blurry to play"})
    client.force_login(member)
    page = client.get("/accounts/me/").content.decode()
    assert "Too blurry to play" in page and "Rejected" in page


def test_a_user_cannot_see_another_users_pending_submission(client, member):
    submission = pending(member)
    client.force_login(User.objects.create_user("eve", password="x"))
    assert client.get(submission.get_image_url()).status_code == 404
    assert "A red square" not in client.get("/accounts/me/").content.decode()


def test_reports_land_in_the_queue_and_are_resolved_with_an_audit_trail(client, staff_client, member):
    chain = make_chain()
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED)
    client.force_login(member)
    assert client.post(f"/c/{chain.slug}/report/", {"reason": ""}).status_code == 400
    response = client.post(f"/c/{chain.slug}/report/", {"reason": "Not nice", "step": "0"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.step.index == 0 and report.status == ReportStatus.PENDING
    assert "Not nice" in staff_client.get("/moderation/").content.decode()
    staff_client.post(f"/moderation/reports/{report.pk}/", {"decision": "dismissed", "note": "It is fine"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED and report.moderator_note == "It is fine"
    assert [event.action for event in report.events.all()] == ["reported", "dismissed"]


def test_reporting_needs_an_account(client):
    chain = make_chain()
    assert client.post(f"/c/{chain.slug}/report/", {"reason": "x"}).status_code == 302
    assert not Report.objects.exists()


def test_stars_toggle_and_sort_the_gallery(client, member):
    make_chain(title="Quiet chain")
    loved = make_chain(title="Loved chain")
    client.force_login(member)
    button = client.post(f"/c/{loved.slug}/star/", headers={"HX-Request": "true"}).content.decode()
    assert "★ Starred" in button and Star.objects.filter(chain=loved).count() == 1
    client.logout()
    page = client.get("/gallery/?sort=starred").content.decode()
    assert page.index("Loved chain") < page.index("Quiet chain")
    client.force_login(member)
    client.post(f"/c/{loved.slug}/star/")
    assert not Star.objects.exists()


def test_branching_from_a_step_of_a_public_chain(client, member, settings):
    parent = make_chain(title="Parent")
    Chain.objects.filter(pk=parent.pk).update(status=Status.COMPLETED)
    client.force_login(member)
    assert client.get(f"/c/{parent.slug}/0/branch/").status_code == 200
    response = client.post(
        f"/c/{parent.slug}/0/branch/", {"mode": "more", "detail": "somewhat", "target_length": 2, "theme": "golden"}
    )
    assert response.status_code == 302
    branch = Chain.objects.get(parent=parent)
    assert branch.fork_step.index == 0 and branch.owner == member and branch.mode == "more"
    assert branch.theme == "golden" and not Submission.objects.exists(), "no second review"
    settings.TELEPHONE_DAILY_CHAIN_QUOTA = 1
    refused = client.post(f"/c/{parent.slug}/0/branch/", {"mode": "telephone", "detail": "very", "target_length": 2})
    assert refused.status_code == 400 and "daily limit" in refused.content.decode()


def test_a_member_whose_address_is_not_confirmed_cannot_branch(client):
    """Issue 12: e-mail verification before a member can branch (allauth)."""
    parent = make_chain(title="Parent")
    Chain.objects.filter(pk=parent.pk).update(status=Status.COMPLETED)
    client.force_login(make_member("newbie", verified=False))
    response = client.post(f"/c/{parent.slug}/0/branch/", {"mode": "telephone", "detail": "very", "target_length": 2})
    assert response.status_code == 200 and b"Confirm your email first" in response.content
    assert not Chain.objects.filter(parent=parent).exists()


def test_private_chains_cannot_be_branched_by_others(client, member):
    private = make_chain(visibility="private")
    client.force_login(member)
    assert client.get(f"/c/{private.slug}/0/branch/").status_code == 404


def test_hidden_chain_media_is_not_served(client, settings):
    from django.core.files.storage import default_storage

    chain = make_chain()
    key = chain.steps.get(index=0).thumbnail_small.name
    settings.ROOT_URLCONF = "tests.browser.urls"
    assert client.get(f"/media/{key}").status_code == 200
    Chain.objects.filter(pk=chain.pk).update(is_hidden=True)
    assert client.get(f"/media/{key}").status_code == 404
    assert client.get("/media/submissions/anything.webp").status_code == 404
    assert default_storage.exists(key)


def test_reports_are_limited_per_member_with_429_and_retry_after(client, member, settings):
    """Issue 12: reports had no limit; one account could bury the moderators' queue."""
    settings.TELEPHONE_REPORT_RATE_LIMIT = 2
    chain = make_chain()
    client.force_login(member)
    sent = [client.post(f"/c/{chain.slug}/report/", {"reason": f"Report number {n}"}) for n in range(3)]
    assert [reply.status_code for reply in sent] == [302, 302, 429]
    refused = sent[-1]
    assert 1 <= int(refused["Retry-After"]) <= settings.TELEPHONE_REPORT_RATE_WINDOW_SECONDS
    assert "You have sent many reports in a short while" in refused.content.decode()
    assert Report.objects.count() == 2


def test_reports_are_limited_per_client_address_across_accounts(client, settings):
    settings.TELEPHONE_REPORT_IP_RATE_LIMIT = 2
    chain = make_chain()
    replies = []
    for number in range(3):
        client.force_login(make_member(f"sock{number}"))
        replies.append(client.post(f"/c/{chain.slug}/report/", {"reason": "Spam"}, REMOTE_ADDR="203.0.113.9"))
    assert [reply.status_code for reply in replies] == [302, 302, 429]
    assert client.post(f"/c/{chain.slug}/report/", {"reason": "Spam"}, REMOTE_ADDR="198.51.100.2").status_code == 302
