"""Submit and branch show the chosen mode's own field only, with and without JavaScript."""

from __future__ import annotations

import re

import pytest

from chains.services import chain_run_inline
from gallery.forms.people import THEME_NEEDED
from tests.factories import make_chain

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]


def shown_fields(page: str) -> dict[str, bool]:
    """Whether the theme and premise fields are shown (present and not hidden)."""
    result = {}
    for mode, name in (("more", "theme"), ("story", "premise")):
        wrapper = re.search(rf'<div class="field[^"]*" data-for-mode="{mode}"( hidden)?>', page)
        assert wrapper, f"the {name} field is on the page (for JavaScript to show it)"
        result[name] = wrapper.group(1) is None
    return result


def test_submit_shows_only_the_chosen_modes_field(member_client):
    assert shown_fields(member_client.get("/submit/").content.decode()) == {"theme": False, "premise": False}
    assert shown_fields(member_client.get("/submit/?mode=more").content.decode()) == {"theme": True, "premise": False}
    story = member_client.get("/submit/?mode=story").content.decode()
    assert shown_fields(story) == {"theme": False, "premise": True}
    assert '<a class="mode-option" href="?mode=story" data-mode="story" aria-current="true">' in story
    assert 'name="mode" value="story"' in story
    nonsense = member_client.get("/submit/?mode=nonsense").content.decode()
    assert shown_fields(nonsense) == {"theme": False, "premise": False}


def test_a_refused_submission_keeps_its_mode_and_its_field(member_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.providers import solid_png

    upload = SimpleUploadedFile("start.png", solid_png(), content_type="image/png")
    page = member_client.post(
        "/submit/",
        {"image": upload, "title": "Gold", "mode": "more", "detail": "very", "target_length": 3, "theme": ""},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert shown_fields(html) == {"theme": True, "premise": False} and THEME_NEEDED in html


def test_branch_starts_from_the_chains_mode_and_switches_by_link(member_client):
    chain = chain_run_inline(chain=make_chain(target_length=2, mode="story", theme="a lighthouse keeper"))
    url = f"/c/{chain.slug}/1/branch/"
    assert shown_fields(member_client.get(url).content.decode()) == {"theme": False, "premise": True}
    assert shown_fields(member_client.get(url + "?mode=more").content.decode()) == {"theme": True, "premise": False}
