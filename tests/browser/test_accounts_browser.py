"""Accounts in a real browser: sign up, confirm the address from the mail, log out,
log in; and the account pages at desktop and phone widths, checked for overflow and
saved as screenshots."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from PIL import Image

from chains.models import Visibility
from chains.services import chain_run_inline
from gallery.models import Star, Submission, SubmissionStatus
from tests.factories import make_chain, make_member

from .conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual passphrase"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def fill_sign_up(page, username: str, password2: str = PASSWORD) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password again").fill(password2)
    page.get_by_role("button", name="Sign up").click()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/me/")


def link_in_outbox(address: str) -> str:
    """The confirmation link allauth mailed (locmem backend: the live server shares this process)."""
    sent = [message for message in mail.outbox if message.to == [address]]
    assert sent, f"no mail to {address}"
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", sent[-1].body).group(0)


def shoot(page, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot and fail if the page scrolls sideways (the usual phone bug)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    save_screenshot(page, name, full_page=full_page)
    assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"


def test_sign_up_log_out_and_log_in_again(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Create an account").click()
    page.wait_for_url("**/accounts/signup/")

    fill_sign_up(page, "grace", password2="not the same")
    error = page.locator("#id_password2_error")
    assert error.is_visible()
    assert page.locator("#id_password2").get_attribute("aria-invalid") == "true"
    assert "id_password2_error" in page.locator("#id_password2").get_attribute("aria-describedby")

    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("heading", name="Check your email").is_visible()
    shoot(page, "accounts_verification_sent")

    page.goto(link_in_outbox("grace@example.org"))
    assert "grace@example.org" in page.locator("main").inner_text()
    shoot(page, "accounts_confirm_email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "grace"
    assert page.get_by_text("You have no chains yet").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/logged-out/")
    assert page.get_by_role("heading", name="You are logged out").is_visible()
    assert page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").is_visible()

    log_in(page, live_server.url, "grace")
    assert page.get_by_role("navigation", name="Account").get_by_role("link", name="My chains").is_visible()


def pending_image() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (40, 90, 160)).save(buffer, format="WEBP")
    return ContentFile(buffer.getvalue(), name="pending.webp")


def test_account_pages_are_tidy_on_desktop_and_phone(page, live_server):
    user = make_member("hopper", password=PASSWORD)
    other = make_member("lovelace", password=PASSWORD)
    mine = chain_run_inline(chain=make_chain(title="Lighthouse in a storm", owner=user, target_length=2))
    make_chain(title="A private sketch", owner=user, visibility=Visibility.PRIVATE, target_length=1)
    Submission.objects.create(owner=user, title="My cat on a windowsill", image=pending_image(), width=96, height=64)
    Submission.objects.create(
        owner=user,
        title="Blurry holiday photo",
        image="submissions/x.webp",
        status=SubmissionStatus.REJECTED,
        moderator_note="The image has a visible watermark; please upload one you own.",
    )
    Submission.objects.create(
        owner=user, title="Lighthouse", image="submissions/y.webp", status=SubmissionStatus.APPROVED, chain=mine
    )
    starred = chain_run_inline(chain=make_chain(title="Tea set drift", owner=other, target_length=2))
    Star.objects.create(user=user, chain=starred)

    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/accounts/signup/")
        fill_sign_up(page, "hopper", password2="mismatch")
        assert page.locator(".field-invalid").count() >= 1
        shoot(page, f"accounts_signup_errors_{label}")

        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username or email").fill("hopper")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
        assert page.locator("#form-errors").get_attribute("role") == "alert"
        shoot(page, f"accounts_login_error_{label}")

        log_in(page, live_server.url, "hopper")
        image = page.locator(".submission img")
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert page.get_by_text("visible watermark").is_visible()
        assert page.locator(".chain-card").count() == 3
        shoot(page, f"accounts_profile_{label}")
        page.goto(live_server.url + "/accounts/email/")
        assert page.get_by_text("hopper@example.org · confirmed · primary").is_visible()
        shoot(page, f"accounts_email_{label}")
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/accounts/logged-out/")
        shoot(page, f"accounts_logged_out_{label}")

        page.goto(live_server.url + "/accounts/password/reset/")
        page.get_by_label("Email").fill("hopper@example.org")
        page.get_by_role("button", name="Send the link").click()
        page.wait_for_url("**/accounts/password/reset/done/")
        shoot(page, f"accounts_password_reset_sent_{label}")
        page.goto(live_server.url + "/accounts/confirm-email/")
        shoot(page, f"accounts_verification_sent_{label}")
