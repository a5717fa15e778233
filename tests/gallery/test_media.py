"""Media served by Django: the file and the visibility check are about the same chain.

Issue 12 (High): `/media/chains/<public id>/..%2f<private id>/000.jpg` served a private
chain's picture, because the chain id was read off the raw path before the path was
resolved. tests/production/test_nginx.py repeats the attack through nginx and gunicorn.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from chains.models import Chain, Visibility
from tests.factories import make_chain, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def serve_media(settings):
    settings.ROOT_URLCONF = "tests.browser.urls"  # the site's routes plus /media/


@pytest.fixture
def chains():
    public = make_chain(title="Public", target_length=1)
    private = make_chain(title="Secret", target_length=1, visibility=Visibility.PRIVATE)
    return public, private


def original(chain) -> str:
    return chain.steps.get(index=0).image.name


@pytest.mark.parametrize(
    "template",
    [
        "chains/{public}/..%2f{private}/{file}",
        "chains/{public}/..%2F{private}/{file}",
        "chains/{public}/%2e%2e/{private}/{file}",
        "chains/{public}/../{private}/{file}",
        "chains/{public}/..\\{private}/{file}",
        "chains/{public}/./../{private}/{file}",
        "chains/{public}//../{private}/{file}",
    ],
)
def test_a_path_through_a_public_chain_never_reaches_a_private_one(client, chains, template):
    public, private = chains
    file = original(private).rsplit("/", 1)[1]
    path = "/media/" + template.format(public=public.pk, private=private.pk, file=file)
    assert client.get(path).status_code == 404


def test_the_private_picture_itself_is_only_for_its_owner(client, chains):
    _, private = chains
    assert client.get(f"/media/{original(private)}").status_code == 404


def test_a_file_no_step_records_is_not_served_even_under_a_public_chain(client, chains):
    public, _ = chains
    stray = default_storage.save(f"chains/{public.pk}/099.jpg", ContentFile(b"\xff\xd8not a step"))
    assert client.get(f"/media/{stray}").status_code == 404
    assert client.get(f"/media/{original(public)}").status_code == 200


def test_every_stored_size_of_a_public_step_is_served(client, chains):
    public, _ = chains
    step = public.steps.get(index=0)
    for field in (step.image, step.thumbnail_tiny, step.thumbnail_small, step.thumbnail_large):
        assert client.get(f"/media/{field.name}").status_code == 200, field.name


def test_listed_pictures_are_cached_briefly_and_publicly(client, chains, settings):
    public, _ = chains
    response = client.get(f"/media/{original(public)}")
    assert response["Cache-Control"] == f"public, max-age={settings.TELEPHONE_PUBLIC_MEDIA_MAX_AGE}"
    assert settings.TELEPHONE_PUBLIC_MEDIA_MAX_AGE <= 600


@pytest.mark.parametrize(
    "visibility, hidden", [(Visibility.PRIVATE, False), (Visibility.UNLISTED, False), (Visibility.PUBLIC, True)]
)
def test_anything_not_listed_is_never_kept_by_shared_caches(client, visibility, hidden):
    owner = make_member("owner")
    chain = make_chain(target_length=1, owner=owner, visibility=visibility)
    Chain.objects.filter(pk=chain.pk).update(is_hidden=hidden)
    client.force_login(owner)
    response = client.get(f"/media/{original(chain)}")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_a_picture_waiting_for_screening_is_not_served_by_its_key(client, chains):
    """Nothing unscreened is published, not even to someone who guesses the file's key."""
    from chains.models import Screening, Step

    public, _ = chains
    Step.objects.filter(chain=public, index=0).update(image_screen=Screening.PENDING)
    assert client.get(f"/media/{original(public)}").status_code == 404
    client.force_login(make_member("staffer", is_staff=True))
    assert client.get(f"/media/{original(public)}").status_code == 200
