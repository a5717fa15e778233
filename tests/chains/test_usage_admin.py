"""Staff read usage and cost per call; the admin and /healthz say when nothing is screened."""

from __future__ import annotations

import pytest

from chains.providers.unscreened import SCREENING_OFF
from chains.services import chain_run_inline
from telephone_site.health import SCREENING_OFF_STATE
from tests.factories import make_chain

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]


def no_sleep(seconds: float) -> None:
    """Retries are not exercised here."""


def test_step_and_chain_pages_show_each_calls_usage_cost_and_price_source(admin_client, fake_openai):
    chain = chain_run_inline(chain=make_chain(target_length=1, provider="openai"), sleep=no_sleep)
    step = chain.steps.get(index=1)

    step_page = admin_client.get(f"/admin/chains/step/{step.pk}/change/").content.decode()
    chain_page = admin_client.get(f"/admin/chains/chain/{chain.pk}/change/").content.decode()

    paint = step.calls["paint"]
    for page in (step_page, chain_page):
        assert paint["request_id"] in page
        assert "output.image_tokens=1056" in page
        assert f"${float(paint['cost']):.6f}" in page
        assert "OpenAI API pricing (developers.openai.com/api/docs/pricing), 2026-04-29" in page
    assert "gpt-5.4-mini" in chain_page and fake_openai.host in chain_page
    assert SCREENING_OFF not in chain_page


def test_screening_off_is_said_on_every_admin_page_and_on_healthz(admin_client, settings):
    settings.TELEPHONE_PROVIDER = "local"
    settings.TELEPHONE_MODERATOR = "none"

    assert SCREENING_OFF in admin_client.get("/admin/").content.decode()
    assert admin_client.get("/healthz").json()["screening"] == SCREENING_OFF_STATE

    settings.TELEPHONE_MODERATOR = ""
    assert SCREENING_OFF not in admin_client.get("/admin/").content.decode()
    assert admin_client.get("/healthz").json()["screening"] == "on"
