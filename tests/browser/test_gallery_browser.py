"""The public site in a real browser: home, infinite scroll, scrubbing, live updates,
presentation mode."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chains.models import Chain, Status
from chains.services import chain_run_inline, step_caption, step_embed, step_paint_next
from chains.services.dispatch import inline_dispatch
from tests.factories import make_chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finished_chains(count: int, *, length: int = 1) -> list[Chain]:
    return [chain_run_inline(chain=make_chain(title=f"Chain {n:02d}", target_length=length))
            for n in range(count)]


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


def test_scrubbing_with_the_keyboard_swaps_the_step_and_keeps_the_url(page, live_server):
    chain = chain_run_inline(chain=make_chain(target_length=4))
    page.goto(live_server.url + chain.get_absolute_url())
    assert page.locator("#viewer h2").inner_text().startswith("Step 0")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('#viewer h2').innerText.startsWith('Step 1')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('#viewer h2').innerText.startsWith('Step 2')")
    page.wait_for_function("() => location.search.includes('step=2')")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('#viewer h2').innerText.startsWith('Step 1')")
    page.reload()
    assert page.locator("#viewer h2").inner_text().startswith("Step 1")


def test_a_running_chain_gains_a_step_live(page, live_server):
    chain = make_chain(target_length=3)
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING, started_at=timezone.now())
    origin = chain.steps.get(index=0)
    with inline_dispatch():  # the test plays the worker, one phase at a time
        step_caption(step_id=origin.pk)
        step_embed(step_id=origin.pk)
    page.goto(live_server.url + chain.get_absolute_url())
    assert page.locator("#steps .step-card").count() == 1

    with inline_dispatch():
        step_paint_next(step_id=origin.pk)
        step_caption(step_id=chain.steps.get(index=1).pk)
    page.wait_for_selector("#steps #step-1", timeout=15_000)
    assert page.locator("#steps .step-card").count() == 2

    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED)
    page.wait_for_selector("#chain-status .status-completed", timeout=15_000)
    page.wait_for_timeout(2500)
    assert page.locator("#live-poller").count() == 0, "polling stops once the chain has ended"


def test_presentation_mode_steps_through_slides_with_keys(page, live_server):
    chain = chain_run_inline(chain=make_chain(target_length=3))
    page.goto(live_server.url + f"/c/{chain.slug}/present/")
    assert page.locator("#slide-0").is_visible()
    page.keyboard.press("ArrowRight")
    assert page.locator("#slide-1").is_visible() and not page.locator("#slide-0").is_visible()
    page.keyboard.press("End")
    assert page.locator("#slide-3").is_visible()
    assert page.locator("#slide-position").inner_text() == "3 / 3"
    page.keyboard.press("Escape")
    page.wait_for_url(f"**{chain.get_absolute_url()}")


def test_the_gif_of_a_chain_is_made_and_downloaded(page, live_server, tmp_path):
    chain = chain_run_inline(chain=make_chain(target_length=3))
    page.goto(live_server.url + chain.get_absolute_url())
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
