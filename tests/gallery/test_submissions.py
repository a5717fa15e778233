"""Submitting starting images: hostile uploads, conversions, quotas, rate limit, budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image

from chains import images
from chains.budget import BUDGET_REACHED
from chains.models import Step
from gallery.forms.people import THEME_NEEDED, UPLOAD_TOO_BIG
from gallery.models import Submission
from gallery.services import QUOTA_REACHED
from gallery.views.people import UPLOAD_RATE_LIMITED
from tests.factories import make_chain, make_member
from tests.support import images as sample
from tests.support.images import decoded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.TELEPHONE_UPLOAD_RATE_LIMIT = 100
    settings.TELEPHONE_DAILY_CHAIN_QUOTA = 100


def private_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(client, data: bytes, *, name="start.png", content_type="image/png", **fields):
    form = {"title": "My picture", "mode": "telephone", "detail": "very", "target_length": 5}
    form.update(fields)
    form["image"] = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post("/submit/", form)


def test_a_member_whose_address_is_not_confirmed_cannot_submit(client, mailoutbox, settings):
    """Issue 12: e-mail verification before a member can submit (allauth)."""
    client.force_login(make_member("newbie", verified=False))
    page = client.get("/submit/")
    assert page.status_code == 200 and b"Confirm your email first" in page.content
    upload(client, sample.cmyk_jpeg())
    assert not Submission.objects.exists() and not private_files(settings)
    assert mailoutbox and "/accounts/confirm-email/" in mailoutbox[0].body


HOSTILE = [
    ("bomb", sample.png_declaring(50000, 50000), "image/png", images.IMAGE_TOO_LARGE),
    ("truncated-jpeg", sample.truncated_jpeg(), "image/jpeg", images.IMAGE_TRUNCATED),
    ("svg-with-script", sample.SVG_WITH_SCRIPT, "image/svg+xml", images.IMAGE_UNREADABLE),
    ("html-as-png", sample.HTML_PAGE, "image/png", images.IMAGE_UNREADABLE),
    ("tiff-renamed", sample.encode(Image.new("RGB", (20, 20)), "TIFF"), "image/png", images.IMAGE_BAD_FORMAT),
    ("pdf-renamed", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "image/png", images.IMAGE_UNREADABLE),
    ("animated-gif", sample.animated_gif(), "image/gif", images.IMAGE_BAD_FORMAT),
    ("empty", b"", "image/png", "The submitted file is empty."),
]


@pytest.mark.parametrize("name, data, content_type, message", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_uploads_get_a_clear_error_and_leave_nothing(
    member_client, member, settings, name, data, content_type, message
):
    response = upload(member_client, data, content_type=content_type)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.exists() and not private_files(settings)


def test_an_oversize_upload_is_refused_before_decoding(member_client, member, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = upload(member_client, sample.encode(Image.effect_noise((200, 200), 50), "PNG"))
    assert response.status_code == 400
    assert UPLOAD_TOO_BIG.format(megabytes=0) in response.content.decode()
    assert not Submission.objects.exists() and not private_files(settings)


def test_a_png_with_a_script_tail_is_stored_re_encoded(member_client, member):
    assert upload(member_client, sample.png_with_script_tail()).status_code == 302
    with Submission.objects.get().image.open("rb") as stored:
        assert b"<script>" not in stored.read()


@pytest.mark.parametrize(
    "data",
    [sample.cmyk_jpeg(), sample.sixteen_bit_png(), sample.palette_png_with_transparency()],
    ids=["cmyk-jpeg", "16-bit-png", "palette-transparency"],
)
def test_unusual_images_are_accepted_and_converted(member_client, member, data):
    assert upload(member_client, data).status_code == 302
    with Submission.objects.get().image.open("rb") as stored:
        picture = decoded(stored.read())
    assert picture.format == "JPEG" and picture.mode == "RGB"


def test_gps_and_exif_are_gone_from_the_stored_file(member_client, member):
    assert upload(member_client, sample.jpeg_with_gps(), content_type="image/jpeg").status_code == 302
    submission = Submission.objects.get()
    assert submission.image.name.startswith("submissions/") and "start" not in submission.image.name
    with submission.image.open("rb") as stored:
        data = stored.read()
    picture = decoded(data)
    assert not picture.getexif() and b"Exif" not in data
    assert picture.size == (20, 40), "orientation applied before the metadata was dropped"


def test_more_mode_needs_a_quality(member_client, member):
    response = upload(member_client, sample.cmyk_jpeg(), mode="more")
    assert response.status_code == 400 and THEME_NEEDED in response.content.decode()


def test_length_is_capped_by_settings(member_client, member, settings):
    settings.TELEPHONE_SUBMISSION_MAX_STEPS = 20
    response = upload(member_client, sample.cmyk_jpeg(), target_length=21)
    assert response.status_code == 400 and not Submission.objects.exists()


def test_submitting_needs_an_account(client):
    response = client.get("/submit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_daily_quota_is_kept_in_the_database(member_client, member, settings):
    settings.TELEPHONE_DAILY_CHAIN_QUOTA = 2
    assert upload(member_client, sample.cmyk_jpeg()).status_code == 302
    assert upload(member_client, sample.cmyk_jpeg()).status_code == 302
    refused = upload(member_client, sample.cmyk_jpeg())
    assert refused.status_code == 400
    assert QUOTA_REACHED.format(quota=2) in refused.content.decode()
    assert Submission.objects.count() == 2 and len(private_files(settings)) == 2


def test_upload_rate_limit_answers_429_and_stores_nothing(member_client, member, settings):
    settings.TELEPHONE_UPLOAD_RATE_LIMIT = 1
    assert upload(member_client, sample.cmyk_jpeg()).status_code == 302
    limited = upload(member_client, sample.cmyk_jpeg())
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "uploading too fast" in limited.content.decode()
    assert UPLOAD_RATE_LIMITED.format(seconds=limited["Retry-After"]) in limited.content.decode()
    assert Submission.objects.count() == 1 and len(private_files(settings)) == 1


def test_new_chains_are_refused_at_the_budget(member_client, member, settings):
    settings.TELEPHONE_DAILY_BUDGET_USD = 0.01
    settings.TELEPHONE_PROVIDER = "tests.support.priced_providers"
    response = upload(member_client, sample.cmyk_jpeg())
    assert response.status_code == 400 and escape(BUDGET_REACHED) in response.content.decode()
    assert not Submission.objects.exists() and not private_files(settings)


def test_a_pending_image_is_only_for_its_owner_and_staff(member_client, member):
    upload(member_client, sample.cmyk_jpeg())
    url = Submission.objects.get().get_image_url()
    assert member_client.get(url).status_code == 200
    assert member_client.get(url)["Cache-Control"] == "private, no-store"
    member_client.logout()
    assert member_client.get(url).status_code in (302, 404)
    other = get_user_model().objects.create_user("eve", password="x")
    member_client.force_login(other)
    assert member_client.get(url).status_code == 404


def test_csrf_is_enforced_on_every_post(member):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    chain = make_chain()
    Step.objects.filter(chain=chain).update(caption="x")
    posts = [
        "/submit/",
        f"/c/{chain.slug}/star/",
        f"/c/{chain.slug}/report/",
        f"/c/{chain.slug}/0/branch/",
        "/moderation/submissions/1/",
        "/moderation/reports/1/",
    ]
    for url in posts:
        for headers in ({}, {"HX-Request": "true"}):
            assert strict.post(url, {"reason": "x"}, headers=headers).status_code == 403, url
