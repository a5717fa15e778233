"""Curation through the real admin: changelist actions, their intermediate pages, messages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from chains.admin.chain import (
    CANCELLED,
    FEATURED,
    HIDDEN,
    NOT_PAUSABLE,
    ONE_CHAIN_ONLY,
    REFUSED,
    RERUN_STARTED,
    RESUMED,
)
from chains.models import Chain, Status, Step
from chains.services import CHAIN_NOT_RESUMABLE, CHAIN_RERUN_RUNNING, chain_feature, chain_run_inline
from gallery.admin.notes import APPROVED, CHAINS_HIDDEN, REJECTED, REPORT_NOTE_REQUIRED, RESOLVED
from gallery.admin.notes import REFUSED as REVIEW_REFUSED
from gallery.models import Report, ReportEvent, ReportStatus, Star, Submission, SubmissionStatus
from gallery.services import MODERATION_NOTE_REQUIRED, SUBMISSION_ALREADY_REVIEWED, report_create, submission_create
from tests.factories import make_chain
from tests.support import images as sample
from tests.support import providers as scripted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs", "scripted_provider")]
User = get_user_model()
CHAINS = "/admin/chains/chain/"
SUBMISSIONS = "/admin/gallery/submission/"
REPORTS = "/admin/gallery/report/"


def run_action(client, url: str, action: str, objects, **fields):
    """Post a changelist action the way the admin's own form does, following the redirect."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0, "select_across": 0, **fields}
    return client.post(url, data, follow=True)


def confirm_action(client, url: str, action: str, objects, **fields):
    """Post an intermediate page's form: the action and ids again, with `confirm` set."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "confirm": "yes", **fields}
    return client.post(url, data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def completed(**fields) -> Chain:
    chain = chain_run_inline(chain=make_chain(**fields))
    scripted.reset()
    return chain


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CHAINS, SUBMISSIONS, REPORTS, "/admin/gallery/collection/", "/admin/gallery/star/"])
def test_people_who_are_not_staff_are_sent_to_log_in(client, member, url):
    chain = make_chain()
    assert client.get(url).status_code == 302
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(CHAINS, {"action": "hide", "_selected_action": [chain.pk], "index": 0})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not Chain.objects.get(pk=chain.pk).is_hidden


# --- chain actions on many chains -----------------------------------------------------------


def test_feature_appends_chains_in_order_and_says_so(admin_client):
    already = chain_feature(chain=make_chain(title="Already"))
    first, second = make_chain(title="First"), make_chain(title="Second")
    response = run_action(admin_client, CHAINS, "feature", [first, second])
    assert FEATURED.format(chains="2 chains") in messages_of(response)
    orders = dict(Chain.objects.filter(is_featured=True).values_list("title", "featured_order"))
    assert orders == {"Already": already.featured_order, "First": 1, "Second": 2}


def test_featured_order_is_editable_in_the_list_and_reaches_the_home_page(admin_client, client):
    a = chain_feature(chain=completed(title="Chain A"))
    chain_feature(chain=completed(title="Chain B"))
    anonymous = type(client)()
    home = anonymous.get("/").content.decode()
    assert home.index("Chain A") < home.index("Chain B")
    changelist = admin_client.get(f"{CHAINS}?is_featured__exact=1").content.decode()
    assert 'name="form-0-featured_order"' in changelist
    rows = re.findall(r'name="form-(\d+)-id" value="(\d+)"', changelist)
    data = {
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": len(rows),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for number, pk in rows:
        data[f"form-{number}-id"] = pk
        data[f"form-{number}-featured_order"] = 5 if int(pk) == a.pk else 1
    response = admin_client.post(f"{CHAINS}?is_featured__exact=1", data, follow=True)
    assert response.status_code == 200
    assert Chain.objects.get(pk=a.pk).featured_order == 5
    home = anonymous.get("/").content.decode()
    assert home.index("Chain B") < home.index("Chain A")


def test_hide_takes_chains_off_cached_public_pages(admin_client):
    chain = completed(title="Soon hidden")
    anonymous = type(admin_client)()
    assert "Soon hidden" in anonymous.get("/gallery/").content.decode()
    response = run_action(admin_client, CHAINS, "hide", [chain])
    assert HIDDEN.format(chains="1 chain") in messages_of(response)
    assert "Soon hidden" not in anonymous.get("/gallery/").content.decode()
    run_action(admin_client, CHAINS, "unhide", [chain])
    assert "Soon hidden" in anonymous.get("/gallery/").content.decode()


def test_cancel_and_resume_report_what_they_did_and_what_they_refused(admin_client):
    done = completed(title="Done")
    queued = make_chain(title="Waiting")
    response = run_action(admin_client, CHAINS, "cancel", [queued])
    assert CANCELLED.format(chains="1 chain") in messages_of(response)
    assert Chain.objects.get(pk=queued.pk).status == Status.CANCELLED

    response = run_action(admin_client, CHAINS, "resume", [done, queued])
    found = messages_of(response)
    assert REFUSED.format(chain="Done", reason=CHAIN_NOT_RESUMABLE) in found
    assert RESUMED.format(chains="1 chain") in found
    assert Chain.objects.get(pk=queued.pk).status == Status.COMPLETED  # resumed and ran to the end
    assert Chain.objects.get(pk=done.pk).status == Status.COMPLETED

    response = run_action(admin_client, CHAINS, "pause", [done])
    assert REFUSED.format(chain="Done", reason=NOT_PAUSABLE) in messages_of(response)


# --- re-run and branch, with their intermediate pages ---------------------------------------


def test_rerun_asks_for_the_step_then_runs_the_chain_again_from_it(admin_client):
    chain = completed(title="Again", target_length=3)
    page = run_action(admin_client, CHAINS, "rerun_from_step", [chain])
    body = page.content.decode()
    assert page.status_code == 200 and "Re-run from step" in body
    assert body.count('name="from_step"') == 4 and "<img" in body
    assert Chain.objects.get(pk=chain.pk).steps.count() == 4  # nothing happened yet

    missing = confirm_action(admin_client, CHAINS, "rerun_from_step", [chain])
    assert missing.status_code == 200 and "This field is required" in missing.content.decode()

    response = confirm_action(admin_client, CHAINS, "rerun_from_step", [chain], from_step=1)
    assert RERUN_STARTED.format(chain="Again", index=1) in messages_of(response)
    chain.refresh_from_db()
    assert chain.status == Status.COMPLETED
    assert list(chain.steps.values_list("index", flat=True)) == [0, 1, 2, 3]
    assert scripted.calls["paint"] == 2 and scripted.calls["caption"] == 3


def test_rerun_is_refused_for_a_running_chain_and_for_several_chains(admin_client):
    chain = make_chain(title="Busy")
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING)
    response = confirm_action(admin_client, CHAINS, "rerun_from_step", [chain], from_step=0)
    assert REFUSED.format(chain="Busy", reason=CHAIN_RERUN_RUNNING) in messages_of(response)
    response = run_action(admin_client, CHAINS, "rerun_from_step", [chain, make_chain()])
    assert ONE_CHAIN_ONLY.format(verb="re-run") in messages_of(response)


def test_branch_asks_for_step_and_settings_then_starts_a_linked_chain(admin_client, admin_user):
    parent = completed(title="Trunk", target_length=3)
    page = run_action(admin_client, CHAINS, "branch", [parent])
    body = page.content.decode()
    assert page.status_code == 200 and "Branch from step" in body and 'name="target_length"' in body

    too_long = confirm_action(
        admin_client, CHAINS, "branch", [parent], from_step=2, mode="story", detail="somewhat", target_length=100_000
    )
    assert too_long.status_code == 200 and Chain.objects.count() == 1

    response = confirm_action(
        admin_client,
        CHAINS,
        "branch",
        [parent],
        from_step=2,
        mode="story",
        detail="somewhat",
        target_length=2,
        theme="a heist",
    )
    branch = Chain.objects.get(parent=parent)
    assert branch.fork_step == parent.steps.get(index=2) and branch.owner == admin_user
    assert (branch.mode, branch.detail, branch.target_length) == ("story", "somewhat", 2)
    assert branch.status == Status.COMPLETED
    assert any("Branched “Trunk” at step 2" in message for message in messages_of(response))
    assert f"/admin/chains/chain/{branch.pk}/change/" in response.content.decode()
    assert branch.title in admin_client.get(parent.get_absolute_url()).content.decode()


# --- submissions ----------------------------------------------------------------------------


def pending(member, **fields) -> Submission:
    values = {"title": "A red square", "mode": "telephone", "detail": "very", "target_length": 2}
    values.update(fields)
    return submission_create(owner=member, image=sample.cmyk_jpeg(), **values)


def test_submission_list_shows_private_thumbnails_and_filters(admin_client, member):
    submission = pending(member, title="Look at me")
    Submission.objects.filter(pk=submission.pk).update(flagged=True)
    page = admin_client.get(f"{SUBMISSIONS}?status__exact=pending&flagged__exact=1&q=look")
    body = page.content.decode()
    assert page.status_code == 200 and "Look at me" in body
    assert f'src="/submissions/{submission.pk}/image/"' in body
    assert admin_client.get(f"/submissions/{submission.pk}/image/").status_code == 200
    assert "Look at me" not in admin_client.get(f"{SUBMISSIONS}?status__exact=approved").content.decode()
    assert admin_client.get(f"{SUBMISSIONS}{submission.pk}/change/").status_code == 200


def test_approving_needs_a_note_then_starts_the_chain(admin_client, member, admin_user):
    submission = pending(member)
    page = run_action(admin_client, SUBMISSIONS, "approve", [submission])
    assert page.status_code == 200 and 'name="note"' in page.content.decode()
    assert f"/submissions/{submission.pk}/image/" in page.content.decode()

    blank = confirm_action(admin_client, SUBMISSIONS, "approve", [submission], note="   ")
    assert MODERATION_NOTE_REQUIRED in blank.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.PENDING

    response = confirm_action(admin_client, SUBMISSIONS, "approve", [submission], note="Lovely")
    assert APPROVED.format(items="1 submission") in messages_of(response)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED and submission.reviewed_by == admin_user
    assert submission.moderator_note == "Lovely" and submission.chain is not None

    again = confirm_action(admin_client, SUBMISSIONS, "reject", [submission], note="Changed my mind")
    assert REVIEW_REFUSED.format(item=submission.title, reason=SUBMISSION_ALREADY_REVIEWED) in messages_of(again)


def test_rejecting_keeps_the_note_for_the_submitter(admin_client, member):
    first, second = pending(member, title="One"), pending(member, title="Two")
    response = confirm_action(admin_client, SUBMISSIONS, "reject", [first, second], note="Not suitable")
    assert REJECTED.format(items="2 submissions") in messages_of(response)
    assert set(Submission.objects.values_list("status", "moderator_note")) == {
        (SubmissionStatus.REJECTED, "Not suitable")
    }
    assert not Chain.objects.exists()


# --- reports --------------------------------------------------------------------------------


def test_resolving_reports_needs_a_note_and_extends_the_audit_trail(admin_client, member):
    chain = completed(title="Reported")
    report = report_create(reporter=member, chain=chain, step=chain.steps.get(index=1), reason="Rude")
    listing = admin_client.get(f"{REPORTS}?status__exact=pending").content.decode()
    assert "Rude" in listing

    blank = confirm_action(admin_client, REPORTS, "mark_actioned", [report], note="")
    assert REPORT_NOTE_REQUIRED.replace("'", "&#x27;") in blank.content.decode()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.PENDING

    response = confirm_action(admin_client, REPORTS, "mark_actioned", [report], note="Hid it", hide_chains="on")
    found = messages_of(response)
    assert RESOLVED.format(items="1 report", status="actioned") in found
    assert CHAINS_HIDDEN.format(items="1 chain") in found
    report.refresh_from_db()
    assert report.status == ReportStatus.ACTIONED and report.moderator_note == "Hid it"
    assert Chain.objects.get(pk=chain.pk).is_hidden
    assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) == ["reported", "actioned"]

    change = admin_client.get(f"{REPORTS}{report.pk}/change/").content.decode()
    assert "Hid it" in change and "reported" in change
    assert 'name="events-0-note"' not in change  # the audit trail is read-only


def test_dismissing_reports(admin_client, member):
    chain = completed(title="Fine")
    report = report_create(reporter=member, chain=chain, reason="Meh")
    response = confirm_action(admin_client, REPORTS, "mark_dismissed", [report], note="Nothing wrong")
    assert RESOLVED.format(items="1 report", status="dismissed") in messages_of(response)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DISMISSED
    assert not Chain.objects.get(pk=chain.pk).is_hidden


# --- stars ----------------------------------------------------------------------------------


def test_stars_are_a_read_only_list(admin_client, member):
    star = Star.objects.create(user=member, chain=make_chain(title="Loved"))
    assert "Loved" in admin_client.get("/admin/gallery/star/").content.decode()
    assert admin_client.get("/admin/gallery/star/add/").status_code == 403
    assert admin_client.post(f"/admin/gallery/star/{star.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Star.objects.filter(pk=star.pk).exists()


def test_admin_pages_render(admin_client, member):
    chain = completed()
    pending(member)
    report_create(reporter=member, chain=chain, reason="Hmm")
    for url in (
        CHAINS,
        f"{CHAINS}{chain.pk}/change/",
        SUBMISSIONS,
        REPORTS,
        f"{REPORTS}{Report.objects.get().pk}/change/",
        "/admin/gallery/collection/",
        "/admin/gallery/collection/add/",
        "/admin/gallery/star/",
        f"{SUBMISSIONS}{Submission.objects.get().pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert Step.objects.exists()
