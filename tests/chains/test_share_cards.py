"""Share cards: a 1200×630 picture for every finished chain and each of its steps,
made when the chain completes, kept in storage, linked as an absolute og:image."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from chains.models import Chain, Visibility
from chains.services import chain_run_inline
from chains.services.share_cards import SHARE_FOLDER, chain_card, share_cards_render, step_card
from chains.sharecard import CardText, render_share_card, wrap
from tests.factories import make_chain
from tests.support.providers import solid_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]


def stored_cards(chain: Chain) -> set[str]:
    try:
        return set(default_storage.listdir(f"{SHARE_FOLDER}/{chain.slug}")[1])
    except FileNotFoundError:
        return set()


def image_of(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_every_finished_chain_has_its_card_and_one_per_step_at_1200_by_630():
    chains = [chain_run_inline(chain=make_chain(target_length=length, title=f"Boat {length}")) for length in (1, 3)]
    for chain in chains:
        names = stored_cards(chain)
        assert len(names) == 1 + chain.steps.count(), "the chain's card and each step's, made on completion"
        card = chain_card(chain=chain)
        assert card.key.rsplit("/", 1)[1] in names
        with default_storage.open(card.key, "rb") as handle:
            picture = image_of(handle.read())
        assert picture.size == (1200, 630) and picture.format == "JPEG"
    assert share_cards_render(chain_id=chains[1].pk) == 0, "rendering again makes nothing new"


def test_the_card_shows_the_start_and_the_latest_picture_either_side_of_an_arrow():
    red, blue = solid_png((220, 30, 30), size=256), solid_png((30, 60, 220), size=256)
    card = image_of(render_share_card(start=red, end=blue, text=CardText(title="A harbour at dusk")))
    left, right = card.getpixel((300, 420)), card.getpixel((900, 420))
    assert left[0] > 180 and left[2] < 80, "the start, on the left"
    assert right[2] > 180 and right[0] < 80, "the latest, on the right"
    arrow = card.crop((560, 380, 640, 460)).convert("RGB")
    assert any(r > 200 and 90 < g < 160 and b < 110 for r, g, b in arrow.get_flattened_data()), "the accent arrow"


def test_long_titles_wrap_and_never_leave_the_card():
    from PIL import ImageDraw, ImageFont

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = ImageFont.load_default(size=40)
    lines = wrap("supercalifragilistic" * 8 + " and a boat", font, 500, draw=draw)
    assert all(draw.textlength(line, font=font) <= 500 for line in lines)
    data = render_share_card(start=solid_png(), end=solid_png(), text=CardText(title="word " * 80))
    assert image_of(data).size == (1200, 630)


def test_a_card_is_keyed_on_what_it_shows_so_it_is_never_stale():
    chain = chain_run_inline(chain=make_chain(target_length=2, title="Before"))
    before = chain_card(chain=chain).key
    Chain.objects.filter(pk=chain.pk).update(title="After")
    chain.refresh_from_db()
    assert chain_card(chain=chain).key != before
    assert step_card(chain=chain, index=9) is None
    assert chain.slug in before, "the unguessable slug keeps an unlisted chain's card private"


def test_pages_link_an_absolute_og_image_that_leads_to_the_stored_card(client):
    chain = chain_run_inline(chain=make_chain(target_length=2, title="Lighthouse"))
    page = client.get(chain.get_absolute_url()).content.decode()
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    assert og_image.startswith("http://testserver/c/") and "card.jpg?v=2" in og_image
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    response = client.get(og_image.removeprefix("http://testserver"))
    assert response.status_code == 302
    key = response["Location"].split(default_storage.base_url, 1)[1]
    with default_storage.open(key, "rb") as handle:
        assert image_of(handle.read()).size == (1200, 630)
    step_page = client.get(chain.steps.get(index=1).get_absolute_url()).content.decode()
    assert 'content="http://testserver/c/%s/1/card.jpg"' % chain.slug in step_page


def test_a_running_chain_gets_its_card_made_on_first_request(client):
    chain = make_chain(target_length=3)
    assert stored_cards(chain) == set()
    response = client.get(f"/c/{chain.slug}/card.jpg")
    assert response.status_code == 302 and len(stored_cards(chain)) == 1


def test_no_card_for_what_a_visitor_may_not_see(client):
    private = chain_run_inline(chain=make_chain(target_length=1, visibility=Visibility.PRIVATE))
    assert stored_cards(private) == set(), "private chains get no cards ahead of time"
    assert client.get(f"/c/{private.slug}/card.jpg").status_code == 404
    assert client.get(f"/c/{private.slug}/1/card.jpg").status_code == 404
    public = chain_run_inline(chain=make_chain(target_length=1))
    assert client.get(f"/c/{public.slug}/7/card.jpg").status_code == 404
