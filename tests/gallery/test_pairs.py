"""The public page ranking (captioner, painter) pairs by how much meaning their chains keep."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from chains.models import Atlas, Attractor, Chain, ChainAnalysis, Status, Visibility
from chains.selectors.pairs import MIN_CHAINS_TO_RANK, model_pairs
from tests.factories import make_chain

pytestmark = pytest.mark.django_db

URL = "/pairs/"


def finished(
    *,
    caption: str,
    image: str,
    drift: float,
    half_life: int | None,
    attractor=None,
    cost: str = "0",
    painted: int = 4,
    endpoint: str = "self-hosted",
    **fields,
) -> Chain:
    """A finished chain whose snapshot names the pair, with the figures the analysis would give it."""
    chain = make_chain(target_length=painted)
    snapshot = {
        **chain.provider_settings,
        "caption_model": caption,
        "image_model": image,
        "caption_backend": "openai",
        "image_backend": "openai",
        "caption_endpoint": endpoint,
        "image_endpoint": endpoint,
        "caption_server": "10.1.2.3:11434",
        "image_server": "10.1.2.3:8188",
    }
    Chain.objects.filter(pk=chain.pk).update(
        status=Status.COMPLETED,
        finished_at=timezone.now(),
        drift=drift,
        provider_settings=snapshot,
        estimated_cost=Decimal(cost),
        images_generated=painted,
        **fields,
    )
    ChainAnalysis.objects.create(chain=chain, half_life=half_life, attractor=attractor)
    return chain


@pytest.fixture
def cathedral():
    atlas = Atlas.objects.create(space="text-embedding-3-small")
    return Attractor.objects.create(atlas=atlas, number=1, label="gothic cathedral at dusk")


def test_pairs_are_ranked_by_median_drift_with_small_samples_marked(client, cathedral):
    for drift in (0.20, 0.22, 0.25, 0.30, 0.28):
        finished(
            caption="qwen2.5vl:7b",
            image="gpt-image-2",
            drift=drift,
            half_life=6,
            attractor=cathedral,
            cost="0.128",
            endpoint="gateway",
        )
    for drift in (0.40, 0.45, 0.50, 0.42, 0.47, 0.44):
        finished(caption="gpt-5.4-mini", image="sd_xl_base_1.0", drift=drift, half_life=None)
    finished(caption="llava:7b", image="flux-schnell", drift=0.05, half_life=9)  # best, but alone

    pairs = model_pairs()

    assert [(pair.caption_model, pair.image_model, pair.rank) for pair in pairs] == [
        ("qwen2.5vl:7b", "gpt-image-2", 1),
        ("gpt-5.4-mini", "sd_xl_base_1.0", 2),
        ("llava:7b", "flux-schnell", None),
    ]
    best = pairs[0]
    assert best.count == 5 and best.drift.median == 0.25 and best.drift.low <= 0.25 <= best.drift.high
    assert best.half_life.median == 6 and best.attractors == [(cathedral, 5)]
    assert best.cost_per_step == Decimal("0.032")
    assert pairs[1].never_halved == 6 and not pairs[1].half_life.finite
    assert pairs[2].few and MIN_CHAINS_TO_RANK > 1

    page = client.get(URL).content.decode()
    assert "qwen2.5vl:7b" in page and "gpt-image-2" in page
    assert page.index("qwen2.5vl:7b") < page.index("gpt-5.4-mini") < page.index("llava:7b")
    assert "Too few chains to rank (fewer than 5)" in page
    assert '<span class="pair-figure">never</span>' in page
    assert f'href="/atlas/attractors/{cathedral.pk}/"' in page and "gothic cathedral at dusk" in page
    assert "$0.0320" in page and "10.1.2.3" not in page  # the kind of server, never its address
    assert "image: OpenAI API pricing, 2026-04-29" in page
    assert best.price_sources == ["caption: no known price, estimated", "image: OpenAI API pricing, 2026-04-29"]
    for chain in Chain.objects.filter(provider_settings__caption_model="llava:7b"):
        assert f'href="{chain.get_absolute_url()}"' in page


def test_only_finished_chains_anyone_may_see_count(client):
    shown = finished(caption="a", image="b", drift=0.3, half_life=4)
    finished(caption="a", image="b", drift=0.9, half_life=1, is_hidden=True)
    finished(caption="a", image="b", drift=0.9, half_life=1, visibility=Visibility.PRIVATE)
    finished(caption="a", image="b", drift=0.9, half_life=1, visibility=Visibility.UNLISTED)
    running = finished(caption="a", image="b", drift=0.9, half_life=1)
    Chain.objects.filter(pk=running.pk).update(status=Status.RUNNING)

    [pair] = model_pairs()

    assert pair.count == 1 and pair.drift.median == 0.3
    assert [chain["slug"] for chain in pair.chains] == [shown.slug]


def test_an_unknown_model_on_a_paid_service_shows_its_cost_as_estimated(client):
    finished(caption="acme-vision", image="acme-painter", drift=0.3, half_life=4, cost="1.00", endpoint="gateway")

    [pair] = model_pairs()
    page = client.get(URL).content.decode()

    assert pair.cost_estimated and "estimated" in page and "$0.2500" in page


def test_an_empty_site_says_the_ranking_comes_with_chains(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert "No finished public chains yet" in response.content.decode()
