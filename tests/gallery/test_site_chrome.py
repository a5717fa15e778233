"""What every page shares: HEAD answered wherever GET is, branded error pages, the site's
own log-in, the icon set and manifest, and messages shown as toasts (also after htmx)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chains.services import chain_run_inline
from gallery.icons import ICO_SIZES, PNG_SIZES, icon_files
from gallery.middleware import MESSAGES_EVENT
from gallery.services import submission_create
from gallery.views._common import ROLE_REQUIRED
from gallery.views.people import DECIDED, STARRED
from tests.factories import make_chain, make_staff
from tests.support.providers import solid_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]

PASSWORD = "a-long-test-passphrase"


def _routes(resolver=None, prefix=""):
    """(name, pattern) of every named route below the root URLconf, namespaces included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _routes(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def _kwargs_for(pattern: URLPattern, *, chain, submission) -> dict:
    values = {
        "slug": chain.slug,
        "index": 1,
        "pk": submission.pk,
        "format": "gif",
        "width": 512,
        "frame_ms": 800,
        "path": "nothing-here.png",
        "uidb64": "MQ",
        "token": "set-password",
        "uidb36": "1",
        "key": "x",
    }
    return {name: values[name] for name in pattern.pattern.regex.groupindex}


@pytest.fixture
def site():
    chain = chain_run_inline(chain=make_chain(target_length=2, title="Harbour"))
    staff = make_staff("mod", password=PASSWORD, roles=("moderator", "researcher"))
    submission = submission_create(
        owner=staff, image=solid_png(), title="Waiting", mode="telephone", detail="very", target_length=2
    )
    return chain, staff, submission


def test_head_is_answered_wherever_get_is(client, site):
    chain, staff, submission = site
    client.force_login(staff)
    checked = []
    for name, pattern in _routes():
        if name.startswith(("admin:", "accounts:", "account_")):
            continue  # the admin's and the accounts' (allauth's) views are not the gallery's to change
        url = reverse(name, kwargs=_kwargs_for(pattern, chain=chain, submission=submission))
        got = client.get(url)
        if got.status_code == 405:
            continue
        head = client.head(url)
        assert head.status_code == got.status_code, f"HEAD {url}: {head.status_code}, GET: {got.status_code}"
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", url
        checked.append(url)
    assert len(checked) >= 25, checked


def test_unknown_pages_get_the_branded_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page drifted away" in page and "icons/icon.svg" in page and "Browse the gallery" in page


def test_forbidden_pages_get_the_branded_403_and_visitors_the_sites_own_login(client, site):
    url = reverse("gallery:experiment_new")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login")), anonymous["Location"]
    assert "/admin/" not in anonymous["Location"]
    member = get_user_model().objects.create_user("member", password=PASSWORD)
    client.force_login(member)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Not open to you" in refused.content.decode()
    assert ROLE_REQUIRED  # the reason travels in the exception, the page stays plain


def test_server_error_and_rate_limit_pages_are_branded():
    from django.template.loader import render_to_string

    for template, words in (
        ("500.html", "The painter spilled the paint"),
        ("429.html", "A little too fast"),
        ("403_csrf.html", "That form had gone stale"),
        ("400.html", "did not make sense"),
    ):
        page = render_to_string(template)  # as Django renders 500: with no request at all
        assert words in page and "icons/icon.svg" in page, template


def test_favicon_and_manifest(client):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"].endswith("icons/favicon.ico")
    manifest = client.get(reverse("gallery:web_manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert data["name"] == "Image Telephone" and data["start_url"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])


def test_the_committed_icon_set_is_what_draw_icons_draws(settings):
    """static/icons/ holds exactly the drawing in gallery/icons.py, at the promised sizes."""
    from io import BytesIO
    from pathlib import Path

    from PIL import Image

    folder = Path(settings.BASE_DIR) / "static" / "icons"
    for name, data in icon_files().items():
        assert (folder / name).read_bytes() == data, f"{name} is stale: run manage.py draw_icons"
    for name, size in PNG_SIZES.items():
        assert Image.open(BytesIO((folder / name).read_bytes())).size == (size, size)
    ico = Image.open(folder / "favicon.ico")
    assert set(ico.info["sizes"]) == {(size, size) for size in ICO_SIZES}


def test_a_message_after_a_redirect_shows_as_a_toast_on_the_next_page(client, site):
    chain, staff, _ = site
    client.force_login(staff)
    page = client.post(reverse("gallery:star", args=[chain.slug]), follow=True).content.decode()
    assert 'class="toast toast-success"' in page and STARRED in page
    # Shown once: the page after that has no toast.
    assert STARRED not in client.get(chain.get_absolute_url()).content.decode()


def test_after_an_htmx_action_the_message_travels_in_hx_trigger(client, site):
    chain, staff, _ = site
    client.force_login(staff)
    response = client.post(reverse("gallery:star", args=[chain.slug]), headers={"HX-Request": "true"})
    trigger = json.loads(response["HX-Trigger"])
    assert trigger[MESSAGES_EVENT]["items"] == [{"level": "success", "message": STARRED}]
    assert "toast" not in response.content.decode()
    # Delivered, so not left waiting for the next full page.
    assert STARRED not in client.get("/").content.decode()


def test_a_moderation_decision_by_htmx_is_confirmed_in_a_toast(client, site):
    _, staff, _ = site
    client.force_login(staff)
    submission = submission_create(
        owner=staff, image=solid_png(), title="Sea", mode="telephone", detail="very", target_length=2
    )
    response = client.post(
        reverse("gallery:moderate_submission", args=[submission.pk]),
        {"decision": "reject", "note": "Too blurry to start from."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    items = json.loads(response["HX-Trigger"])[MESSAGES_EVENT]["items"]
    assert items == [{"level": "success", "message": DECIDED["reject"]}]


def test_the_submitter_sees_the_moderators_note_whatever_the_decision(client, site):
    _, staff, _ = site
    from gallery.services import submission_approve, submission_reject

    member = get_user_model().objects.create_user("member", password=PASSWORD)
    kept = submission_create(
        owner=member, image=solid_png(), title="Kept", mode="telephone", detail="very", target_length=1
    )
    dropped = submission_create(
        owner=member, image=solid_png(), title="Dropped", mode="telephone", detail="very", target_length=1
    )
    submission_approve(submission=kept, moderator=staff, note="Lovely colours, off it goes.")
    submission_reject(submission=dropped, moderator=staff, note="Please crop out the licence plate.")
    client.force_login(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Lovely colours, off it goes." in page and "Please crop out the licence plate." in page


def test_a_page_with_a_message_is_never_served_from_or_stored_in_the_page_cache(client, settings, site):
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.session import SessionStorage
    from django.test import RequestFactory

    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    assert client.get("/").status_code == 200  # the visitors' copy is now stored
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    encoder = SessionStorage(request)
    session["_messages"] = encoder.serialize_messages([Message(constants.INFO, "Only for you")])
    session.save()
    mine = client.get("/")
    assert "Only for you" in mine.content.decode() and mine.get("X-Page-Cache") != "hit"
    assert "Only for you" not in client.get("/").content.decode()
