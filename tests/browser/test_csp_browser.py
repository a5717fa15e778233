"""Under the Content-Security-Policy, in Chromium: no violation on any page, and htmx works.

Violations are caught twice over: the page's own `securitypolicyviolation` events (a
listener Playwright installs before any page script; it is not subject to the CSP)
and Chromium's console, which reports every blocked script, style, eval or image.
Either one fails the test. The htmx interactions (filtering the gallery, paging
through an album, approving a submission) prove scripts from 'self' run and swap
content in place, without a full page load.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_until_settled
from tests.production.pages import PASSWORD, build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});
"""


class ViolationLog:
    """Everything CSP-related one browser context saw, page by page."""

    def __init__(self, context):
        self.found: list[str] = []
        context.add_init_script(LISTEN_FOR_VIOLATIONS)
        self.context = context

    def watch(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: page error {error}"))

    def _console(self, page, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.found.append(f"{page.url}: console: {text}")

    def collect(self, page) -> None:
        for violation in page.evaluate("window.__cspViolations || []"):
            self.found.append(f"{page.url}: {violation}")


def visit(page, log: ViolationLog, url: str) -> None:
    page.goto(url)
    wait_until_settled(page)
    assert page.evaluate("typeof window.htmx") == "object" or "/present/" in url, f"htmx missing on {url}"
    log.collect(page)


def stays_on_page(page) -> None:
    """Mark the document; a full page load would lose the mark."""
    page.evaluate("window.__samePage = true")


def assert_same_page(page) -> None:
    assert page.evaluate("window.__samePage === true"), "htmx should have swapped, not reloaded"


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/accounts/me/")


@pytest.fixture
def site(settings, share_card_requests):
    """The pages' data. No page loads a share card (they are only named in meta tags),
    so finishing chains do not draw theirs (`share_card_requests`)."""
    settings.TELEPHONE_PROVIDER = "local"
    return build_site()


def test_pages_and_htmx_run_under_the_policy_without_a_violation(page, chromium, live_server, site):
    base = live_server.url
    visitor = ViolationLog(page.context)
    visitor.watch(page)

    for url in site.public_pages():
        visit(page, visitor, base + url)

    # htmx: filtering the gallery swaps the results in place and pushes the URL.
    visit(page, visitor, base + "/gallery/")
    stays_on_page(page)
    page.select_option("#id_status", "completed")
    page.wait_for_url("**/gallery/?*status=completed*")
    page.locator("#gallery-results .chain-card").first.wait_for()
    assert_same_page(page)

    # htmx: the album loads its download panel in place, and the keyboard moves through it.
    visit(page, visitor, base + f"/c/{site.chain_slug}/")
    stays_on_page(page)
    page.locator("#export .export-login").wait_for()  # visitors are offered a log-in, not renders
    page.keyboard.press("ArrowRight")
    page.locator("#step-0.is-active").wait_for()
    assert_same_page(page)
    visitor.collect(page)

    member_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    member = ViolationLog(member_context)
    member_page = member_context.new_page()
    member.watch(member_page)
    log_in(member_page, base, site.member.username)
    for url in site.member_pages():
        visit(member_page, member, base + url)
    member_context.close()

    staff_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    staff = ViolationLog(staff_context)
    staff_page = staff_context.new_page()
    staff.watch(staff_page)
    log_in(staff_page, base, site.staff.username)
    for url in site.staff_pages():
        visit(staff_page, staff, base + url)
    # htmx: approving swaps the one queue item in place (CSRF token and all).
    stays_on_page(staff_page)
    item = staff_page.locator(f"#submission-{site.submission_pk}")
    item.locator("textarea[name=note]").fill("Lovely")
    item.locator("button[value=approve]").click()
    staff_page.locator(f"#submission-{site.submission_pk}", has_text="see the chain").wait_for()
    assert_same_page(staff_page)
    staff.collect(staff_page)
    staff_context.close()

    assert visitor.found + member.found + staff.found == []


def test_the_violation_listener_catches_an_inline_script(page, live_server):
    """The check above can fail: a page with inline code is reported."""
    log = ViolationLog(page.context)
    log.watch(page)
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.__ran = true"; document.body.append(s); }""")
    page.wait_for_function("() => window.__cspViolations.length > 0")  # the report comes after the refusal
    log.collect(page)
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in found for found in log.found), log.found
