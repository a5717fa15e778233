"""The whole people path in a real browser: sign up, submit, staff approve, the chain
runs, and visitors see it."""

from __future__ import annotations

import pytest

from tests.factories import make_moderator
from tests.support import images as sample

from .test_accounts_browser import link_in_outbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quick_chains(settings):
    settings.TELEPHONE_PROVIDER = "tests.support.providers"


def test_sign_up_submit_approve_and_see_it_public(page, chromium, live_server, tmp_path):
    start = tmp_path / "harbour.png"
    start.write_bytes(sample.palette_png_with_transparency())

    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=username]", "painter")
    page.fill("input[name=email]", "painter@example.org")
    page.fill("input[name=password1]", "a-long-test-passphrase")
    page.fill("input[name=password2]", "a-long-test-passphrase")
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/accounts/confirm-email/")
    page.goto(link_in_outbox("painter@example.org"))
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/accounts/me/")

    page.goto(live_server.url + "/submit/")
    page.set_input_files("input[name=image]", str(start))
    page.fill("input[name=title]", "Harbour at dusk")
    page.select_option("select[name=detail]", "somewhat")
    page.fill("input[name=target_length]", "2")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/accounts/me/")
    assert "Waiting for review" in page.content()

    make_moderator("moderator", password="staff-test-passphrase")
    staff = chromium.new_context(viewport={"width": 1280, "height": 900})
    staff_page = staff.new_page()
    staff_page.goto(live_server.url + "/accounts/login/")
    staff_page.fill("input[name=login]", "moderator")
    staff_page.fill("input[name=password]", "staff-test-passphrase")
    staff_page.click("form.auth-form button[type=submit]")
    staff_page.goto(live_server.url + "/moderation/")
    item = staff_page.locator(".queue-item", has_text="Harbour at dusk")
    item.locator("textarea[name=note]").fill("Lovely light")
    item.locator("button[value=approve]").click()
    staff_page.locator(".queue-item", has_text="see the chain").wait_for()
    staff.close()

    visitor = chromium.new_context()
    visitor_page = visitor.new_page()
    visitor_page.goto(live_server.url + "/gallery/")
    visitor_page.click("text=Harbour at dusk")
    visitor_page.wait_for_selector("#steps #step-2")
    assert visitor_page.locator("#chain-status .status-completed").is_visible()
    visitor.close()
    page.goto(live_server.url + "/accounts/me/")
    assert "Approved" in page.content()
