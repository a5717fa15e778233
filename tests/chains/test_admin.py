"""The admin: pages render for staff, and curation reaches visitors' cached pages."""

from __future__ import annotations

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
    for url in ("/admin/chains/chain/", f"/admin/chains/chain/{chain.pk}/change/",
                "/admin/chains/step/", "/admin/chains/chain/?status__exact=queued&q=caption"):
        assert staff_client.get(url).status_code == 200


def test_hiding_a_chain_in_the_admin_removes_it_from_cached_pages(client, django_capture_on_commit_callbacks):
    chain = make_chain(title="Soon hidden")
    assert "Soon hidden" in client.get("/gallery/").content.decode()
    chain.is_hidden = True
    request = RequestFactory().post("/admin/")
    with django_capture_on_commit_callbacks(execute=True):  # the bump waits for the commit
        site._registry[Chain].save_model(request, chain, form=None, change=True)
    assert "Soon hidden" not in client.get("/gallery/").content.decode()
