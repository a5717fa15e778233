"""The home page's hero, live "Painting now" and collection covers; experiments shown as one
card each in the gallery and on home, their chains listed only when asked for."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chains.models import Chain, Status
from chains.services import chain_feature, chain_run_inline
from chains.services.experiments import experiment_create
from gallery.context.home import FILM_FRAMES
from gallery.models import Collection, CollectionEntry
from tests.factories import make_chain
from tests.support.providers import solid_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]


def experiment(title: str = "Palace four ways", **fields):
    made = experiment_create(
        image=solid_png(),
        details=["somewhat", "very"],
        modes=["telephone", "story"],
        models=["local"],
        target_length=1,
        title=title,
        start=False,
        **fields,
    )
    for chain in made.chains.all():
        chain_run_inline(chain=chain)  # screened and finished through the real loop
    return made


def test_an_experiment_is_one_card_and_its_chains_are_not_listed_one_by_one():
    made = experiment()
    solo = chain_run_inline(chain=make_chain(target_length=1, title="A lone lighthouse"))
    from django.test import Client

    client = Client()
    for url in ("/", "/gallery/"):
        page = client.get(url).content.decode()
        assert page.count(f'href="{made.get_absolute_url()}"') == 1, f"{url}: one card for the experiment"
        assert "Palace four ways · somewhat" not in page, f"{url}: its chains are not cards of their own"
        assert "A lone lighthouse" in page
    strip = client.get("/gallery/").content.decode().split('class="variant-strip"', 1)[1].split("</span>", 1)[0]
    assert strip.count("<img") == 4, "a strip with where each of its four ways ended"
    each = client.get("/gallery/?experiments=each").content.decode()
    assert each.count("<h3>Palace four ways · ") == 4, "asked for, they are listed one by one"
    assert solo.title in each


def test_the_gallery_with_experiments_keeps_a_flat_query_count(client, django_assert_max_num_queries):
    for number in range(3):
        experiment(title=f"Experiment {number}")
    for _ in range(10):
        make_chain(target_length=2)
    with django_assert_max_num_queries(8):
        page = client.get("/gallery/").content.decode()
    assert page.count('class="chain-card experiment-card"') == 3


def test_the_hero_plays_a_featured_chain_as_a_filmstrip_of_eight_frames(client):
    chain = chain_run_inline(chain=make_chain(target_length=4, title="The harbour"))
    chain_feature(chain=chain)
    page = client.get("/").content.decode()
    hero = page.split('<figure class="hero-film">', 1)[1].split("</figure>", 1)[0]
    assert hero.count('class="film-frame"') == FILM_FRAMES, "the stylesheet times exactly eight frames"
    assert hero.count("<li>") == FILM_FRAMES
    assert "caption of step 0" in hero and "caption of step 4" in hero, "from the start to the end"
    assert "style=" not in hero, "no inline style: the policy forbids it"
    assert f'href="{chain.get_absolute_url()}"' in hero


def test_the_filmstrip_is_rendered_again_only_when_its_chain_or_frames_change(client):
    """Kept like cards (gallery.fragments): a home page miss with the same hero reuses it."""
    from django.test.signals import template_rendered

    from gallery.fragments import HERO_TEMPLATE

    chain = chain_run_inline(chain=make_chain(target_length=4, title="The harbour"))
    chain_feature(chain=chain)
    rendered: list[str] = []

    def seen(sender, template, **kwargs):
        rendered.append(template.name)

    misses = iter(range(3))

    def home_miss() -> str:  # another URL each time: the page misses, its film need not
        return client.get(f"/?miss={next(misses)}").content.decode()

    template_rendered.connect(seen)
    try:
        first = home_miss()
        again = home_miss()
        assert rendered.count(HERO_TEMPLATE) == 1, "the same hero and frames: the kept film"
        Chain.objects.filter(pk=chain.pk).update(title="The old harbour")
        renamed = home_miss()
    finally:
        template_rendered.disconnect(seen)
    film = first.split('<figure class="hero-film">', 1)[1].split("</figure>", 1)[0]
    assert film == again.split('<figure class="hero-film">', 1)[1].split("</figure>", 1)[0]
    assert rendered.count(HERO_TEMPLATE) == 2 and "The old harbour" in renamed.split("</figure>", 1)[0]


def test_painting_now_refreshes_itself_and_says_so_when_quiet(client):
    quiet = client.get("/").content.decode()
    assert 'id="painting-now"' in quiet and 'hx-trigger="every' in quiet
    assert "nothing is being painted this minute" in quiet
    busy = make_chain(title="Busy painter", target_length=5)
    Chain.objects.filter(pk=busy.pk).update(status=Status.RUNNING, started_at=timezone.now())
    from chains.cache import content_changed

    content_changed(chain_id=busy.pk)
    fragment = client.get("/", headers={"HX-Request": "true", "HX-Target": "painting-now"}).content.decode()
    assert fragment.lstrip().startswith('<section id="painting-now"')
    assert "Busy painter" in fragment and "chip-live" in fragment and "<html" not in fragment


def test_a_collection_cover_is_a_mosaic_of_where_its_chains_ended(client):
    chains = [chain_run_inline(chain=make_chain(target_length=1, title=f"Boat {n}")) for n in range(4)]
    collection = Collection.objects.create(slug="boats", title="Boats")
    for position, chain in enumerate(chains):
        CollectionEntry.objects.create(collection=collection, chain=chain, position=position)
    page = client.get("/collections/").content.decode()
    cover = page.split('class="card-media collection-cover"', 1)[1].split("</span>", 1)[0]
    latest = [chain.steps.get(index=1).thumbnail_tiny.name for chain in chains]
    assert all(name in cover for name in latest), "each tile is where one chain ended"
