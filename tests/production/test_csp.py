"""The Content-Security-Policy header, and pages that need nothing it forbids.

The policy allows scripts and styles from this site only: no inline <script>, no
style="" attributes, no on*="" handlers, no javascript: URLs. This reads every page's
HTML for those, so a template that adds one fails here in milliseconds; the browser
test (tests/browser/test_csp_browser.py) then proves the pages, htmx included, run under it.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from .pages import build_site

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]

CSP = "Content-Security-Policy"


class InlineFinder(HTMLParser):
    """Collects everything a strict CSP would block in a page's markup."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>: {value}")
            if name.startswith("on"):
                self.found.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def site(settings):
    settings.TELEPHONE_PROVIDER = "local"
    return build_site()


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_every_page_sends_a_strict_policy(client):
    reply = client.get("/")
    policy = directives(reply[CSP])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in reply[CSP] and "'unsafe-eval'" not in reply[CSP]


def test_the_finder_sees_inline_code():
    """The scan below can fail: it catches each kind of inline content."""
    html = (
        '<script>alert(1)</script><p style="color:red" onclick="x()"></p><style>p{}</style>'
        '<a href="javascript:void(0)">x</a><script src="/static/ok.js"></script>'
    )
    assert len(inline_content(html)) == 5


def test_no_page_has_inline_script_style_or_handlers(site):
    visitor, member, staff = Client(), Client(), Client()
    member.force_login(site.member)
    staff.force_login(site.staff)
    problems = {}
    for browser, pages in ((visitor, site.public_pages()), (member, site.member_pages()), (staff, site.staff_pages())):
        for url in pages:
            reply = browser.get(url)
            assert reply.status_code == 200, url
            assert CSP in reply, url
            found = inline_content(reply.content.decode())
            if found:
                problems[url] = found
    assert problems == {}


def test_htmx_is_told_not_to_inject_styles_or_eval(client):
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
