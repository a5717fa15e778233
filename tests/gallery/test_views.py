"""Public pages: home, gallery, the album (live), permalink, play-back."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from chains.models import Chain, Status, Step, Visibility
from chains.services import chain_run_inline
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


def finished(**fields) -> Chain:
    chain = make_chain(**fields)
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED, finished_at=timezone.now())
    chain.refresh_from_db()
    return chain


def hide(chain: Chain) -> Chain:
    Chain.objects.filter(pk=chain.pk).update(is_hidden=True)
    return chain


# --- home ---------------------------------------------------------------------------


def test_home_shows_featured_running_and_finished_sections(client):
    featured = finished(title="Star chain")
    Chain.objects.filter(pk=featured.pk).update(is_featured=True)
    running = make_chain(title="Busy chain")
    Chain.objects.filter(pk=running.pk).update(status=Status.RUNNING, started_at=timezone.now())
    finished(title="Done chain")
    page = client.get("/").content.decode()
    sections = (("Featured", "Star chain"), ("Painting now", "Busy chain"), ("Recently finished", "Done chain"))
    for heading, title in sections:
        assert heading in page and title in page


def test_home_never_lists_hidden_unlisted_or_private_chains(client):
    hide(finished(title="Hidden one"))
    finished(title="Unlisted one", visibility=Visibility.UNLISTED)
    finished(title="Private one", visibility=Visibility.PRIVATE)
    page = client.get("/").content.decode()
    assert "Hidden one" not in page and "Unlisted one" not in page and "Private one" not in page


def test_empty_home_explains_how_to_start(client):
    assert b"No chains yet" in client.get("/").content


# --- gallery --------------------------------------------------------------------------


def test_gallery_filters_by_mode_detail_status_and_length(client):
    finished(title="Story chain", mode="story", detail="somewhat", target_length=60)
    finished(title="Plain chain", mode="telephone", detail="very", target_length=3)
    page = client.get("/gallery/?mode=story&detail=somewhat&status=completed&length=long").content.decode()
    assert "Story chain" in page and "Plain chain" not in page


def test_gallery_search_matches_caption_text(client):
    chain = finished(title="Searchable")
    Step.objects.filter(chain=chain, index=0).update(caption="a lighthouse in a storm")
    finished(title="Other")
    page = client.get("/gallery/?q=lighthouse").content.decode()
    assert "Searchable" in page and "Other" not in page


def test_gallery_sorts_by_length_and_drift(client):
    short = finished(title="Short chain", target_length=2)
    long = finished(title="Long chain", target_length=90)
    Chain.objects.filter(pk=short.pk).update(drift=0.9)
    Chain.objects.filter(pk=long.pk).update(drift=0.1)
    by_length = client.get("/gallery/?sort=longest").content.decode()
    assert by_length.index("Long chain") < by_length.index("Short chain")
    by_drift = client.get("/gallery/?sort=drift").content.decode()
    assert by_drift.index("Short chain") < by_drift.index("Long chain")


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-3",
        "?page=99999",
        "?mode=banana",
        "?sort=%00",
        "?length=huge&status=x",
        "?q=" + "x" * 500,
        "?detail[]=1",
    ],
)
def test_gallery_survives_garbage_parameters(client, query):
    finished()
    response = client.get("/gallery/" + query)
    assert response.status_code == 200


def test_gallery_pages_with_real_links_and_infinite_scroll(client):
    for number in range(26):
        finished(title=f"Chain {number:02d}")
    first = client.get("/gallery/").content.decode()
    assert first.count('class="chain-card"') == 24
    assert 'href="/gallery/?page=2"' in first and 'hx-trigger="revealed"' in first
    more = client.get("/gallery/?page=2", headers={"HX-Request": "true"}).content.decode()
    assert more.count('class="chain-card"') == 2
    assert "<html" not in more and "revealed" not in more


def test_gallery_never_lists_hidden_unlisted_or_private(client):
    hide(finished(title="Hidden one"))
    finished(title="Unlisted one", visibility=Visibility.UNLISTED)
    finished(title="Private one", visibility=Visibility.PRIVATE)
    for query in ("", "?q=one", "?sort=drift"):
        page = client.get("/gallery/" + query).content.decode()
        assert "Hidden one" not in page and "Unlisted one" not in page and "Private one" not in page


def test_gallery_query_count_does_not_grow_with_chains(client, django_assert_max_num_queries):
    for _ in range(30):
        finished(target_length=5)
    with django_assert_max_num_queries(6):
        client.get("/gallery/?sort=drift&q=caption")


def test_gallery_is_cached_for_visitors_and_refreshed_when_a_chain_changes(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # cached pages go stale on commit
        finished(title="First")
    assert client.get("/gallery/").get("X-Page-Cache") is None
    cached = client.get("/gallery/")
    assert cached.get("X-Page-Cache") == "hit" and "HX-Request" in cached["Vary"]
    with django_capture_on_commit_callbacks(execute=True):
        chain_run_inline(chain=make_chain(title="Newcomer", target_length=1))
    assert "Newcomer" in client.get("/gallery/").content.decode()


def test_htmx_and_full_gallery_responses_are_cached_apart(client):
    finished(title="Only")
    client.get("/gallery/")
    fragment = client.get("/gallery/", headers={"HX-Request": "true", "HX-Target": "gallery-results"})
    assert b"<html" not in fragment.content


# --- timeline -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_timeline_query_count_does_not_grow_with_steps(client, django_assert_max_num_queries):
    chain = chain_run_inline(chain=make_chain(target_length=12))
    with django_assert_max_num_queries(8):
        client.get(chain.get_absolute_url())


def test_a_running_chain_polls_for_new_steps_and_an_ended_one_does_not(client):
    chain = make_chain()
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING)
    assert b'id="live-poller"' in client.get(chain.get_absolute_url()).content
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED)
    assert b'id="live-poller"' not in client.get(chain.get_absolute_url()).content


def test_live_fragment_sends_only_new_steps_and_stops_when_the_chain_ends(client):
    chain = make_chain(target_length=3)
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING)
    Step.objects.filter(chain=chain, index=0).update(caption="the first caption")
    live = client.get(f"/c/{chain.slug}/live/?after=-1", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-swap-oob="beforeend:#steps"' in live and "the first caption" in live
    assert 'id="live-poller"' in live and "after=0" in live
    nothing_new = client.get(f"/c/{chain.slug}/live/?after=0").content.decode()
    assert "beforeend:#steps" not in nothing_new
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED)
    ended = client.get(f"/c/{chain.slug}/live/?after=0").content.decode()
    assert 'id="live-poller"' not in ended and "Completed" in ended


def test_live_fragment_survives_a_garbage_after(client):
    chain = make_chain()
    assert client.get(f"/c/{chain.slug}/live/?after=zzz").status_code == 200


@pytest.mark.parametrize("visibility, hidden", [(Visibility.PRIVATE, False), (Visibility.PUBLIC, True)])
def test_private_and_hidden_chains_are_404_for_visitors_but_not_for_staff(client, visibility, hidden):
    chain = make_chain(visibility=visibility)
    Chain.objects.filter(pk=chain.pk).update(is_hidden=hidden)
    for suffix in ("", "0/", "live/", "present/"):
        assert client.get(chain.get_absolute_url() + suffix).status_code == 404
    staff = get_user_model().objects.create_user("mod", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(chain.get_absolute_url()).status_code == 200


def test_a_hidden_finished_chain_is_not_served_from_cache(client):
    chain = finished()
    assert client.get(chain.get_absolute_url()).status_code == 200
    hide(chain)
    assert client.get(chain.get_absolute_url()).status_code == 404


def test_unlisted_chains_open_by_link(client):
    chain = make_chain(visibility=Visibility.UNLISTED)
    assert client.get(chain.get_absolute_url()).status_code == 200


def test_unknown_chain_and_step_are_404(client):
    chain = make_chain()
    assert client.get("/c/nosuchchain/").status_code == 404
    assert client.get(f"{chain.get_absolute_url()}99/").status_code == 404


def test_a_page_served_from_the_process_copy_keeps_that_copy_s_expiry(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 12's bound: a change that bumped no version shows within
    TELEPHONE_LOCAL_PAGE_CACHE_SECONDS, even on a page hit all the time (each hit renewed it)."""
    from types import SimpleNamespace

    from django.core.cache import cache

    from gallery.views import _caching

    settings.TELEPHONE_LOCAL_PAGE_CACHE_SECONDS = 30
    now = [1000.0]
    monkeypatch.setattr(_caching, "time", SimpleNamespace(monotonic=lambda: now[0]))
    with django_capture_on_commit_callbacks(execute=True):
        finished(title="Kept a while")
    assert client.get("/gallery/").get("X-Page-Cache") is None  # stored here and in the shared cache
    now[0] = 1020
    assert client.get("/gallery/")["X-Page-Cache"] == "hit"
    cache.delete_many(list(_caching.local_pages.entries.items))  # only this process's copy is left
    now[0] = 1031
    assert client.get("/gallery/").get("X-Page-Cache") is None


def test_a_shared_page_says_it_varies_on_cookies_and_is_never_served_to_a_member(
    client, django_capture_on_commit_callbacks
):
    """A visitor without cookies is known to be anonymous without loading a user, so the
    session is never touched; the Vary header must still name Cookie for caches downstream."""
    with django_capture_on_commit_callbacks(execute=True):
        finished(title="Shared chain")
    client.get("/gallery/")
    hit = client.get("/gallery/")
    assert hit["X-Page-Cache"] == "hit"
    assert {"Cookie", "HX-Request", "Accept-Encoding"} <= {part.strip() for part in hit["Vary"].split(",")}
    member = get_user_model().objects.create_user("reader", password="x")
    client.force_login(member)
    page = client.get("/gallery/")
    assert page.get("X-Page-Cache") is None and "Log out" in page.content.decode()


def test_an_anonymous_visitor_with_a_message_waiting_gets_a_page_of_their_own(
    client, rf, django_capture_on_commit_callbacks
):
    """A message travels in a cookie for a visitor without a session: the shared copy would
    drop it, and the page showing it must not become everyone's."""
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse

    with django_capture_on_commit_callbacks(execute=True):
        finished(title="Shared chain")
    client.get("/gallery/")
    assert client.get("/gallery/")["X-Page-Cache"] == "hit"
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.INFO, "Signed out: see you soon")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    own = client.get("/gallery/")
    assert own.get("X-Page-Cache") is None and "Signed out: see you soon" in own.content.decode()
    after = client.get("/gallery/")  # shown once, so the shared copy again, without it
    assert after["X-Page-Cache"] == "hit" and "Signed out" not in after.content.decode()


def test_pages_refuse_post(client):
    assert client.post("/").status_code == 405
    assert client.post("/gallery/").status_code == 405


def test_cached_pages_are_served_compressed_to_clients_that_accept_it(client, django_capture_on_commit_callbacks):
    import gzip

    with django_capture_on_commit_callbacks(execute=True):  # the content versions exist after commit
        finished(title="Compressed chain")
    plain = client.get("/gallery/").content
    hit = client.get("/gallery/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in hit["Vary"]
    assert gzip.decompress(hit.content) == plain
    assert client.get("/gallery/").content == plain


def test_a_miss_is_sent_compressed_once_with_the_copy_made_for_the_cache(client, django_capture_on_commit_callbacks):
    import gzip

    with django_capture_on_commit_callbacks(execute=True):
        finished(title="Compressed on a miss")
    miss = client.get("/gallery/", headers={"Accept-Encoding": "gzip"})
    assert miss.get("X-Page-Cache") is None and miss["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in miss["Vary"] and int(miss["Content-Length"]) == len(miss.content)
    assert gzip.decompress(miss.content) == client.get("/gallery/").content
