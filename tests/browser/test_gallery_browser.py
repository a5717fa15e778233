"""The public site in a real browser: home, infinite scroll, the album and its keyboard,
live updates, playing a chain back beat by beat."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chains.models import Chain, Status
from chains.services import chain_run_inline, step_caption, step_embed, step_paint_next, step_screen
from chains.services.dispatch import inline_dispatch
from tests.factories import make_chain, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finished_chains(count: int, *, length: int = 1) -> list[Chain]:
    return [chain_run_inline(chain=make_chain(title=f"Chain {n:02d}", target_length=length)) for n in range(count)]


def test_home_opens_with_cards_and_images(page, live_server):
    finished_chains(2)
    page.goto(live_server.url + "/")
    assert page.locator("h2", has_text="Recently finished").is_visible()
    assert page.locator(".chain-card").count() == 2
    first_image = page.locator(".chain-card img").first
    first_image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first_image.element_handle())


def test_gallery_loads_more_cards_when_scrolled(page, live_server):
    for number in range(30):
        make_chain(title=f"Card {number:02d}", target_length=1)
    page.goto(live_server.url + "/gallery/")
    cards = page.locator(".chain-card")
    assert cards.count() == 24
    page.locator(".load-more").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelectorAll('.chain-card').length === 30")
    assert page.locator(".load-more").count() == 0


def test_the_album_is_driven_by_the_keyboard_and_remembers_the_step(page, live_server):
    chain = chain_run_inline(chain=make_chain(target_length=4))
    page.goto(live_server.url + chain.get_absolute_url())
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Home")
    page.locator("#step-0.is-active[aria-current=step]").wait_for()
    page.keyboard.press("ArrowRight")
    page.locator("#step-1.is-active").wait_for()
    page.keyboard.press("j")
    page.locator("#step-2.is-active").wait_for()
    page.wait_for_function("() => location.search.includes('step=2')")
    assert page.locator("#album-rail a[aria-current=step]").inner_text() == "2"
    assert page.locator(".beat.is-active").count() == 1
    page.keyboard.press("ArrowLeft")
    page.locator("#step-1.is-active").wait_for()
    page.wait_for_function("() => location.search.includes('step=1')")
    page.reload()
    active = page.locator("#step-1.is-active")
    active.wait_for()
    # The step is marked by the server; the album's script brings it into view once it runs.
    page.wait_for_function(
        "() => { const box = document.getElementById('step-1').getBoundingClientRect();"
        " return box.top >= 0 && box.top < 900; }",
        timeout=5000,
    )
    assert active.is_visible(), "reopened at the step, in view"
    # The rest of a long caption is folded away until asked for.
    more = page.locator("#step-1 details.beat-more")
    if more.count():
        assert not more.locator("p").is_visible()
        more.locator("summary").click()
        assert more.locator("p").is_visible()


def test_a_running_chain_gains_a_step_live(page, live_server):
    chain = make_chain(target_length=3)
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING, started_at=timezone.now())
    origin = chain.steps.get(index=0)
    with inline_dispatch():  # the test plays the worker, one phase at a time
        step_caption(step_id=origin.pk)
        step_screen(step_id=origin.pk)  # the caption is public once screened
        step_embed(step_id=origin.pk)
    page.goto(live_server.url + chain.get_absolute_url())
    assert page.locator("#steps .beat").count() == 1

    with inline_dispatch():
        step_paint_next(step_id=origin.pk)
        painted = chain.steps.get(index=1).pk
        step_screen(step_id=painted)  # the picture, then its caption, each public once screened
        step_caption(step_id=painted)
        step_screen(step_id=painted)
    page.wait_for_selector("#steps #step-1", timeout=15_000)
    assert page.locator("#steps .beat").count() == 2
    assert page.locator("#album-rail a[data-index='1']").count() == 1, "the step rail grows too"

    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED)
    page.wait_for_selector("#chain-status .status-completed", timeout=15_000)
    # The poll that brings the end swaps the poller out too; a poller still there fails here.
    page.wait_for_selector("#live-poller", state="detached", timeout=5_000)
    assert page.locator("#live-poller").count() == 0, "polling stops once the chain has ended"


def test_play_it_back_reveals_one_beat_at_a_time_with_the_keyboard(page, live_server):
    chain = chain_run_inline(chain=make_chain(target_length=3))
    page.goto(live_server.url + f"/c/{chain.slug}/present/")
    visible = "() => Array.from(document.querySelectorAll('.reveal-beat')).filter(b => !b.hidden).length"
    assert page.evaluate(visible) == 1 and page.locator("#beat-0 img").is_visible()
    page.keyboard.press("ArrowRight")  # the words the first picture became
    assert page.evaluate(visible) == 2 and page.locator("#beat-1 .reveal-bubble").is_visible()
    page.keyboard.press("Space")  # the picture painted from those words
    assert page.evaluate(visible) == 3 and page.locator("#beat-2 img").is_visible()
    assert page.locator("#reveal-position").inner_text() == "3 / 8"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(visible) == 2 and not page.locator("#beat-2").is_visible()
    page.keyboard.press("End")
    assert page.evaluate(visible) == 8 and page.locator("#reveal-end").is_visible()
    assert page.locator("#reveal-position").inner_text() == "8 / 8"
    page.wait_for_function("() => location.search.includes('beat=7')")
    page.keyboard.press("Home")
    assert page.evaluate(visible) == 1
    page.keyboard.press("Escape")
    page.wait_for_url(f"**{chain.get_absolute_url()}")


def test_the_gif_of_a_chain_is_made_and_downloaded(page, live_server, tmp_path):
    """Renders are for members (issue 12): log in, then make the GIF."""
    chain = chain_run_inline(chain=make_chain(target_length=3))
    make_member("maker", password="a long render passphrase")
    page.goto(live_server.url + "/accounts/login/?next=" + chain.get_absolute_url())
    page.fill("input[name=login]", "maker")
    page.fill("input[name=password]", "a long render passphrase")
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url(f"**{chain.get_absolute_url()}")
    form = page.locator(".export-form")
    form.wait_for()
    form.locator("select[name=format]").select_option("gif")
    form.locator("button[type=submit]").click()
    link = page.locator(".export-animation figcaption a")
    link.wait_for(timeout=20_000)
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "chain.gif"
    download_info.value.save_as(saved)
    from PIL import Image

    with Image.open(saved) as animation:
        assert animation.format == "GIF" and animation.n_frames == 4
