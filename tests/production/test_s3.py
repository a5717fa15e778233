"""Media on S3 through django-storages, against a real S3 API server on 127.0.0.1.

The server (tests/support/s3_server.py) is moto's S3 in server mode, so boto3 and
django-storages run their real code over HTTP: uploads, content types, listing,
deletes, presigned URLs, and anonymous requests being refused. On top of moto it
enforces presigned-URL expiry as S3 does, which moto alone does not.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import botocore.auth
import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chains.animation import animation_key, animation_options
from chains.images import keys_for_original
from chains.models import AnimationStatus, Chain, Status
from chains.services import animation_request, chain_rerun_from, chain_run_inline
from gallery.models import Submission
from tests.factories import make_chain, make_moderator
from tests.support import images as sample

from .conftest import PRIVATE_URL_SECONDS, bucket_keys

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]
User = get_user_model()


def local_chain(length: int = 2) -> Chain:
    chain = chain_run_inline(chain=make_chain(target_length=length, provider="local"))
    assert chain.status == Status.COMPLETED, chain.error_message
    return chain


def all_step_keys(chain: Chain) -> set[str]:
    keys = set()
    for step in chain.steps.all():
        stored = keys_for_original(step.image.name)
        keys |= {stored.original, *stored.thumbnails.values()}
    return keys


def test_originals_and_thumbnails_are_stored_in_the_bucket(s3_bucket, s3_client):
    chain = local_chain(length=2)

    assert len(all_step_keys(chain)) == 3 * 4
    assert all_step_keys(chain) <= bucket_keys(s3_client, s3_bucket)
    step = chain.steps.get(index=1)
    head = s3_client.head_object(Bucket=s3_bucket, Key=step.thumbnail_small.name)
    assert head["ContentType"] == "image/webp"
    original = s3_client.head_object(Bucket=s3_bucket, Key=step.image.name)
    assert original["ContentType"] == "image/jpeg"
    # The page links the thumbnail straight to S3; the URL works and is the 320 px one.
    reply = requests.get(step.thumbnail_small.url, timeout=10)
    assert reply.status_code == 200
    assert Image.open(io.BytesIO(reply.content)).width == 320


def test_the_zip_export_reads_every_image_back_from_the_bucket(s3_bucket, s3_client, client):
    chain = local_chain(length=2)

    reply = client.get(f"/c/{chain.slug}.zip")

    assert reply.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(reply.streaming_content)))
    assert {"original.jpg", "image_1.jpg", "image_2.jpg"} <= set(archive.namelist())
    stored = s3_client.get_object(Bucket=s3_bucket, Key=chain.steps.get(index=2).image.name)
    assert archive.read("image_2.jpg") == stored["Body"].read()


def test_an_animation_export_is_rendered_into_the_bucket_and_linked_there(s3_bucket, s3_client, client):
    chain = local_chain(length=2)

    animation = animation_request(chain=chain, format="gif", width=256, frame_ms=400)  # renders eagerly
    animation.refresh_from_db()
    assert animation.status == AnimationStatus.READY
    key = animation_key(chain_id=chain.pk, options=animation_options(format="gif", width=256, frame_ms=400))
    assert key in bucket_keys(s3_client, s3_bucket)

    link = client.get(f"/c/{chain.slug}/animation/gif-256-400/")
    assert link.status_code == 302
    fetched = requests.get(link["Location"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.content[:6] in (b"GIF87a", b"GIF89a")


def test_a_rerun_deletes_the_replaced_steps_files_from_the_bucket(s3_bucket, s3_client):
    chain = local_chain(length=3)
    before = all_step_keys(chain)
    assert before <= bucket_keys(s3_client, s3_bucket)

    chain_rerun_from(chain=chain, index=1)  # eager tasks: the chain runs again to the end

    chain.refresh_from_db()
    keys = bucket_keys(s3_client, s3_bucket)
    assert chain.status == Status.COMPLETED
    after = all_step_keys(chain)
    assert after <= keys and len(after - before) == 2 * 4  # steps 2 and 3 painted anew, new keys
    stale = [key for key in keys if key.startswith(f"chains/{chain.pk}/")]
    assert len(stale) == len(after), "old files must be gone, not kept beside"


@pytest.fixture
def pending(member, client, s3_bucket, settings) -> Submission:
    settings.TELEPHONE_PROVIDER = "local"
    client.force_login(member)
    upload = SimpleUploadedFile("photo.jpg", sample.cmyk_jpeg(), content_type="image/jpeg")
    reply = client.post(
        "/submit/",
        {"image": upload, "title": "A red square", "mode": "telephone", "detail": "very", "target_length": 2},
    )
    assert reply.status_code == 302, reply.content[:500]
    return Submission.objects.get(owner=member)


def test_an_upload_is_stored_privately_and_not_readable_without_a_signature(pending, s3_bucket, s3_client, s3_server):
    key = f"private/{pending.image.name}"
    assert key in bucket_keys(s3_client, s3_bucket)
    assert not any(k.startswith("chains/") for k in bucket_keys(s3_client, s3_bucket))

    anonymous = requests.get(f"{s3_server.endpoint_url}/{s3_bucket}/{key}", timeout=10)
    assert anonymous.status_code == 403


def test_moderators_see_a_pending_image_through_a_signed_url_that_expires(pending, s3_bucket, s3_client, monkeypatch):
    staff = make_moderator()
    from django.test import Client

    browser = Client()
    browser.force_login(staff)

    reply = browser.get(f"/submissions/{pending.pk}/image/")

    assert reply.status_code == 302
    assert reply["Cache-Control"] == "private, no-store"
    signed = reply["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == [str(PRIVATE_URL_SECONDS)]
    first = requests.get(signed, timeout=10)
    assert first.status_code == 200
    assert first.content == s3_client.get_object(Bucket=s3_bucket, Key=f"private/{pending.image.name}")["Body"].read()

    # The same link, as signed PRIVATE_URL_SECONDS + 1.5 s ago (the signer's clock moved
    # back, not the test made to wait): the server refuses it.
    real_now = botocore.auth.get_current_datetime
    monkeypatch.setattr(
        botocore.auth,
        "get_current_datetime",
        lambda **kwargs: real_now(**kwargs) - timedelta(seconds=PRIVATE_URL_SECONDS + 1.5),
    )
    old = browser.get(f"/submissions/{pending.pk}/image/")["Location"]
    assert parse_qs(urlsplit(old).query)["X-Amz-Expires"] == [str(PRIVATE_URL_SECONDS)]
    expired = requests.get(old, timeout=10)
    assert expired.status_code == 403
    assert b"Request has expired" in expired.content


def test_other_people_get_no_link_to_a_pending_image(pending, client):
    from django.test import Client

    stranger = Client()
    stranger.force_login(User.objects.create_user("eve", password="x"))
    assert stranger.get(f"/submissions/{pending.pk}/image/").status_code == 404
    client.logout()
    assert client.get(f"/submissions/{pending.pk}/image/").status_code == 302  # to the log-in page
    assert "/accounts/login/" in client.get(f"/submissions/{pending.pk}/image/")["Location"]


def test_deleting_a_submission_in_the_admin_deletes_its_object(pending, s3_bucket, s3_client):
    from django.test import Client

    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    key = f"private/{pending.image.name}"

    reply = admin.post(f"/admin/gallery/submission/{pending.pk}/delete/", {"post": "yes"})

    assert reply.status_code == 302
    assert not Submission.objects.filter(pk=pending.pk).exists()
    assert key not in bucket_keys(s3_client, s3_bucket)


def test_share_cards_are_stored_in_the_bucket_and_og_image_leads_there(s3_bucket, s3_client, client):
    """The page's og:image is this site's absolute URL; it redirects to the card's absolute
    S3 URL, which anyone can fetch: 1200×630, as link previews want."""
    chain = local_chain(length=1)
    keys = {key for key in bucket_keys(s3_client, s3_bucket) if key.startswith(f"share/{chain.slug}/")}
    assert len(keys) == 1 + chain.steps.count(), "made when the chain completed"
    page = client.get(chain.get_absolute_url()).content.decode()
    og_image = page.split('<meta property="og:image" content="', 1)[1].split('"', 1)[0]
    assert og_image.startswith("http://testserver/c/")
    redirect = client.get(og_image.removeprefix("http://testserver"))
    assert redirect.status_code == 302 and redirect["Location"].startswith(("http://127.0.0.1", "https://"))
    reply = requests.get(redirect["Location"], timeout=10)
    assert reply.status_code == 200 and Image.open(io.BytesIO(reply.content)).size == (1200, 630)
