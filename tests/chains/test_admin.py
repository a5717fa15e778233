"""The admin: pages render for staff, and curation reaches visitors' cached pages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from chains.models import Chain
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", password="x"))
    return client


def test_chain_and_step_admin_pages_render(staff_client):
    chain = make_chain()
    for url in (
        "/admin/chains/chain/",
        f"/admin/chains/chain/{chain.pk}/change/",
        "/admin/chains/step/",
        "/admin/chains/chain/?status__exact=queued&q=caption",
    ):
        assert staff_client.get(url).status_code == 200


def test_hiding_a_chain_in_the_admin_removes_it_from_cached_pages(client, django_capture_on_commit_callbacks):
    chain = make_chain(title="Soon hidden")
    assert "Soon hidden" in client.get("/gallery/").content.decode()
    chain.is_hidden = True
    request = RequestFactory().post("/admin/")
    with django_capture_on_commit_callbacks(execute=True):  # the bump waits for the commit
        site._registry[Chain].save_model(request, chain, form=None, change=True)
    assert "Soon hidden" not in client.get("/gallery/").content.decode()


def test_a_caption_redacted_in_the_admin_leaves_the_cached_chain_page(
    client, staff_client, django_capture_on_commit_callbacks
):
    """Issue 12: an admin edit of a step's caption did not clear the anonymous page cache."""
    from django.test import Client

    from chains.models import Step

    chain = make_chain(title="Redaction")
    Step.objects.filter(chain=chain, index=0).update(caption="A caption with a phone number 555-0100")
    visitor = Client()
    assert "555-0100" in visitor.get(chain.get_absolute_url()).content.decode()
    step = chain.steps.get(index=0)
    step.caption = "A caption [redacted]"
    with django_capture_on_commit_callbacks(execute=True):
        site._registry[Step].save_model(RequestFactory().post("/admin/"), step, form=None, change=True)
    page = visitor.get(chain.get_absolute_url()).content.decode()
    assert "555-0100" not in page and "[redacted]" in page


def test_step_pictures_cannot_be_replaced_in_the_admin(staff_client):
    """Issue 12: an 81-megapixel PNG with metadata went in raw through a Step image field."""
    from chains.admin.chain import STEP_FILE_FIELDS
    from chains.models import Step

    step = make_chain().steps.get(index=0)
    page = staff_client.get(f"/admin/chains/step/{step.pk}/change/").content.decode()
    assert 'type="file"' not in page
    readonly = site._registry[Step].get_readonly_fields(RequestFactory().get("/"), step)
    assert set(STEP_FILE_FIELDS) <= set(readonly)


def test_the_in_process_page_cache_forgets_pages_after_its_ttl(settings, monkeypatch):
    from gallery.views import _caching

    settings.TELEPHONE_LOCAL_PAGE_CACHE_SECONDS = 30
    now = [1000.0]
    monkeypatch.setattr(_caching, "time", SimpleNamespace(monotonic=lambda: now[0]))
    pages = _caching._LocalPages(4)
    pages.put("k", (b"page", "text/html", b"gz"))
    now[0] += 29
    assert pages.get("k") is not None
    now[0] += 2
    assert pages.get("k") is None
