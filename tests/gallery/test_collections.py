"""Curated collections on the site: list, detail, home section, visibility, caching, queries."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chains.models import Chain, Status, Visibility
from gallery.models import Collection, CollectionEntry
from tests.factories import make_chain

pytestmark = pytest.mark.django_db
User = get_user_model()


def finished(**fields) -> Chain:
    chain = make_chain(**fields)
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED, finished_at=timezone.now())
    chain.refresh_from_db()
    return chain


def collection_of(*chains: Chain, slug: str = "favourites", title: str = "Favourites", **fields) -> Collection:
    collection = Collection.objects.create(slug=slug, title=title, **fields)
    for position, chain in enumerate(chains):
        CollectionEntry.objects.create(collection=collection, chain=chain, position=position)
    return collection


def test_collection_page_shows_public_chains_in_curated_order(client):
    third, first, second = finished(title="Third"), finished(title="First"), finished(title="Second")
    collection = collection_of(first, second, third, description="Hand-picked drifts.")
    CollectionEntry.objects.filter(chain=third).update(position=9)
    page = client.get("/collections/favourites/")
    body = page.content.decode()
    assert page.status_code == 200 and "Favourites" in body and "Hand-picked drifts." in body
    assert body.index("First") < body.index("Second") < body.index("Third")
    assert collection.get_absolute_url() == "/collections/favourites/"


def test_hidden_private_and_unlisted_chains_never_appear_in_collections(client):
    shown = finished(title="Shown chain")
    hidden = finished(title="Hidden chain")
    Chain.objects.filter(pk=hidden.pk).update(is_hidden=True)
    private = finished(title="Private chain", visibility=Visibility.PRIVATE)
    unlisted = finished(title="Unlisted chain", visibility=Visibility.UNLISTED)
    collection_of(shown, hidden, private, unlisted)
    only_hidden = collection_of(hidden, slug="secret", title="Only hidden things")
    for url in ("/collections/favourites/", "/collections/", "/"):
        body = client.get(url).content.decode()
        for title in ("Hidden chain", "Private chain", "Unlisted chain", "Only hidden things"):
            assert title not in body, (url, title)
    assert "1 chain" in client.get("/collections/").content.decode()
    assert "Nothing to show" in client.get(only_hidden.get_absolute_url()).content.decode()


def test_unpublished_collections_are_404_except_to_staff(client, member_client):
    collection_of(finished(title="Work in progress"), slug="draft", title="Draft", is_published=False)
    assert client.get("/collections/draft/").status_code == 404
    assert member_client.get("/collections/draft/").status_code == 404
    assert client.get("/collections/nope/").status_code == 404
    assert "Draft" not in client.get("/collections/").content.decode()
    staff = type(client)()
    staff.force_login(User.objects.create_user("mod", password="x", is_staff=True))
    preview = staff.get("/collections/draft/").content.decode()
    assert "Not published" in preview and "Work in progress" in preview


def test_home_lists_published_collections(client):
    collection_of(finished(title="Inside"), title="Sea monsters", slug="sea", description="Deep ones.")
    body = client.get("/").content.decode()
    assert "Collections" in body and "Sea monsters" in body and 'href="/collections/sea/"' in body
    assert 'href="/collections/"' in body


def test_an_empty_site_shows_no_collections_section(client):
    assert 'id="collections-heading"' not in client.get("/").content.decode()
    assert "No collections yet" in client.get("/collections/").content.decode()


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_content(member_client, django_assert_max_num_queries):
    """Measured logged in, where pages are never served from the cache."""
    collection_of(*[finished(title=f"Small {n}") for n in range(2)], slug="small", title="Small")
    small = {url: queries_for(member_client, url) for url in ("/collections/small/", "/collections/", "/")}
    collection_of(*[finished(title=f"Big {n}") for n in range(12)], slug="big", title="Big")
    for n in range(5):
        collection_of(finished(title=f"Extra {n}"), slug=f"extra-{n}", title=f"Extra {n}")
    with django_assert_max_num_queries(small["/collections/small/"]):
        member_client.get("/collections/big/")
    with django_assert_max_num_queries(small["/collections/"]):
        member_client.get("/collections/")
    with django_assert_max_num_queries(small["/"]):
        member_client.get("/")


def test_anonymous_pages_are_cached_and_refresh_after_an_admin_edit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the content versions exist after commit
        old, new = finished(title="Old favourite"), finished(title="New favourite")
    collection = collection_of(old)
    assert "New favourite" not in client.get("/collections/favourites/").content.decode()
    assert client.get("/collections/favourites/")["X-Page-Cache"] == "hit"
    home = client.get("/").content.decode()
    assert "Favourites" in home

    staff = type(client)()
    staff.force_login(User.objects.create_superuser("boss", password="x"))
    entry = collection.entries.get()
    form = {
        "title": "Favourites, revised",
        "slug": "favourites",
        "description": "",
        "is_published": "on",
        "order": 0,
        "entries-TOTAL_FORMS": 2,
        "entries-INITIAL_FORMS": 1,
        "entries-MIN_NUM_FORMS": 0,
        "entries-MAX_NUM_FORMS": 1000,
        "entries-0-id": entry.pk,
        "entries-0-collection": collection.pk,
        "entries-0-position": 1,
        "entries-0-chain": old.pk,
        "entries-1-id": "",
        "entries-1-collection": collection.pk,
        "entries-1-position": 0,
        "entries-1-chain": new.pk,
        "_save": "Save",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/gallery/collection/{collection.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]

    page = client.get("/collections/favourites/")
    body = page.content.decode()
    assert "X-Page-Cache" not in page
    assert body.index("New favourite") < body.index("Old favourite")
    assert "Favourites, revised" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/admin/gallery/collection/{collection.pk}/delete/", {"post": "yes"})
    assert "Favourites" not in client.get("/").content.decode()
    assert client.get("/collections/favourites/").status_code == 404
