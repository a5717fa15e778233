"""Every analysis page with 0, 1, 2 and many chains, with bad parameters, and only
ever showing public chains."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from chains.models import Attractor, Chain, Experiment, Step
from chains.services import atlas_recompute, experiment_create
from tests.analysis.conftest import local_chain, painted_start

pytestmark = pytest.mark.django_db(transaction=True)

COUNTS = [0, 1, 2, 12]


def world(count: int, *, length: int = 3) -> list[Chain]:
    chains = [local_chain(seed, length=length) for seed in range(count)]
    atlas_recompute()
    return chains


def word_of(caption: str) -> str:
    """A content word of the caption (full-text search drops stop words like "the")."""
    return max((word.strip(".,;:") for word in caption.split()), key=len)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


@pytest.mark.parametrize("count", COUNTS)
def test_every_page_renders(client, count):
    chains = world(count)
    atlas = page(client, "/atlas/")
    if count:
        assert 'class="atlas-map"' in atlas and "atlas-dots" in atlas
        drawn = page(client, f"/atlas/?chain={chains[0].slug}")
        assert 'class="atlas-path"' in drawn and chains[0].title in drawn
    else:
        assert "The atlas appears once" in atlas
    page(client, "/atlas/attractors/")
    for attractor in Attractor.objects.all():
        assert attractor.label in page(client, attractor.get_absolute_url())
    word = word_of(chains[0].steps.get(index=1).caption) if count else "sky"
    results = page(client, f"/search/?q={word}")
    assert ('class="search-result"' in results) == bool(count)
    compared = page(client, "/compare/?" + "&".join(f"chain={c.slug}" for c in chains[:3]))
    assert ("plot-compare" in compared) == bool(count)
    page(client, "/experiments/")
    about = page(client, "/about/")
    assert "Calibration" in about
    rows = list(csv.reader(io.StringIO(page(client, "/research/steps.csv"))))
    assert len(rows) == 1 + Step.objects.filter(chain__in=chains).count()
    if count:
        step_page = page(client, chains[0].steps.get(index=2).get_absolute_url())
        assert "Similar captions in other chains" in step_page
        assert ("similar-list" in step_page) == (count > 1)
        assert "How far it has drifted" in step_page
        timeline = page(client, chains[0].get_absolute_url())
        assert "Half-life" in timeline and "plot-image" in timeline


@pytest.mark.parametrize("url,status", [
    ("/atlas/?zoom=abc&x=nan&y=-3&chain=%00", 200),
    ("/atlas/?zoom=7&x=2&space=nope", 200),
    ("/atlas/?chain=no-such-chain", 200),
    ("/atlas/at/?x=abc", 302),
    ("/atlas/at/?x=0.5&y=0.5", 302),
    ("/atlas/at/?x=0.5&y=0.5&fragment=1", 200),
    ("/atlas/attractors/999999/", 404),
    ("/atlas/attractors/?space=" + "x" * 300, 200),
    ("/experiments/no-such-thing/", 404),
    ("/search/?q=" + "a" * 500, 200),
    ("/search/?q=sky&page=abc", 200),
    ("/search/?q=%22unclosed", 200),
    ("/search/?q=-", 200),
    ("/compare/?chain=../../etc&metric=bogus&scale=zzz", 200),
])
def test_bad_parameters_give_a_clean_page_or_a_404(client, url, status):
    world(2)
    page(client, url, status)


def test_hidden_and_private_chains_appear_nowhere(client):
    chains = world(4)
    Chain.objects.filter(pk=chains[0].pk).update(is_hidden=True)
    Chain.objects.filter(pk=chains[1].pk).update(visibility="private")
    secret = chains[0].steps.get(index=1).caption
    word = word_of(secret)
    for chain in chains[:2]:
        assert chain.title not in page(client, f"/atlas/?chain={chain.slug}")
        assert chain.slug not in page(client, f"/search/?q={word}")
        assert chain.slug not in page(client, "/research/steps.csv")
        for attractor in Attractor.objects.all():
            assert chain.slug not in page(client, attractor.get_absolute_url())


def test_clicking_a_dot_draws_its_chain(client):
    chains = world(3)
    point = chains[1].steps.get(index=1).atlas_point
    fragment = page(client, f"/atlas/at/?x={point.x}&y={point.y}&fragment=1")
    assert 'id="atlas-map-selection"' in fragment and f'data-chain="{chains[1].slug}"' in fragment
    response = client.get(f"/atlas/at/?x={point.x}&y={point.y}&zoom=4")
    assert response.status_code == 302 and f"chain={chains[1].slug}" in response["Location"]
    assert "zoom=4" in response["Location"]
    empty = page(client, "/atlas/at/?x=1.4&y=1.4&fragment=1")
    assert "No caption there" in empty


def test_search_answers_htmx_with_the_results_fragment(client):
    chains = world(2)
    word = word_of(chains[0].steps.get(index=0).caption)
    fragment = client.get(f"/search/?q={word}", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="search-results"')
    assert "<mark>" in fragment


def test_atlas_page_queries_do_not_grow_with_chains(client, django_assert_max_num_queries):
    chains = world(12)
    with django_assert_max_num_queries(14):
        client.get(f"/atlas/?chain={chains[0].slug}")


def test_experiment_pages(client):
    experiment = experiment_create(image=painted_start(3), details=["somewhat", "very"], modes=["telephone"],
                                   models=["local"], target_length=2, title="Two details", start=False)
    from chains.services import chain_run_inline

    for chain in experiment.chains.all():
        chain_run_inline(chain=chain)
    atlas_recompute()
    listing = page(client, "/experiments/")
    assert "Two details" in listing
    detail = page(client, experiment.get_absolute_url())
    assert "Side by side" in detail and detail.count('class="filmstrip"') == 2
    assert "plot-compare" in detail and "atlas-trail" in detail
    Chain.objects.filter(experiments=experiment).update(visibility="private")
    page(client, experiment.get_absolute_url(), 404)


def test_only_staff_start_experiments(client):
    assert client.get("/experiments/new/").status_code == 302
    staff = get_user_model().objects.create_user("curator", password="pw-123456789", is_staff=True)
    client.force_login(staff)
    assert "Start the experiment" in page(client, "/experiments/new/")
    source = local_chain(8, length=1)
    response = client.post("/experiments/new/", {
        "title": "From a chain", "from_chain": f"http://testserver/c/{source.slug}/",
        "details": ["somewhat", "very"], "modes": ["telephone"], "models": ["local"], "target_length": 1,
    })
    experiment = Experiment.objects.get(title="From a chain")
    assert response.status_code == 302 and response["Location"] == experiment.get_absolute_url()
    assert experiment.chains.count() == 2
    missing = client.post("/experiments/new/", {"details": ["very"], "modes": ["telephone"],
                                                 "models": ["local"], "target_length": 2})
    assert "Upload a starting image" in missing.content.decode()


def test_compare_aligns_branches_at_their_fork_against_the_lineage_origin(client):
    from chains.metrics.drift import cosine_similarity
    from gallery.views.research import _lineage_series

    parent = local_chain(1, length=5)
    fork = parent.steps.get(index=3)
    from chains.services import chain_create, chain_run_inline

    with fork.image.open("rb") as handle:
        branch = chain_run_inline(chain=chain_create(image=handle.read(), target_length=3, provider="local",
                                                     parent=parent, fork_step=fork, title="Branch"))
    series = _lineage_series([parent, branch], metric="caption", scale="raw")
    assert len(series[0]["values"]) == 6 and len(series[1]["values"]) == 3 + 1 + 3
    assert series[1]["values"][:3] == [None, None, None]
    origin = parent.steps.get(index=0).vector
    expected = cosine_similarity(branch.steps.get(index=0).vector, origin)
    assert series[1]["values"][3] == pytest.approx(expected)
    chart = page(client, f"/compare/?chain={parent.slug}&chain={branch.slug}&align=lineage&metric=image")
    assert "plot-compare" in chart and "fork" in chart


def test_research_export_has_every_public_step_with_its_figures(client):
    from chains.models import Baseline
    from chains.services.analysis import caption_kind

    chains = world(3, length=4)
    rows = list(csv.DictReader(io.StringIO(page(client, "/research/steps.csv"))))
    assert len(rows) == 15 and {row["chain_slug"] for row in rows} == {c.slug for c in chains}
    row = next(r for r in rows if r["chain_slug"] == chains[1].slug and r["step_index"] == "3")
    step = chains[1].steps.get(index=3)
    baseline = Baseline.objects.get(kind=caption_kind(step.embedding_model)).mean
    assert float(row["similarity_to_origin"]) == pytest.approx(step.similarity_to_origin, abs=1e-5)
    assert float(row["calibrated_similarity_to_origin"]) == pytest.approx(
        (step.similarity_to_origin - baseline) / (1 - baseline), abs=1e-4)
    assert row["caption"] == step.caption and row["atlas_x"] and row["chain_half_life"]
    assert float(row["image_similarity_to_origin"]) == pytest.approx(step.image_similarity_to_origin, abs=1e-5)
