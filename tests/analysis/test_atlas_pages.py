"""The analysis against one world of twelve chains, shared by the module: its pages,
the research export, and the atlas a recompute fits. These tests only read the world
or change it inside their own transaction, rolled back after (refitting the atlas too)."""

from __future__ import annotations

import csv
import io

import pytest

from chains.models import Atlas, AtlasPoint, Attractor, Baseline, Chain, ChainAnalysis
from chains.selectors.atlas import atlas_map_points, step_similar
from chains.selectors.research import IMAGE_KIND, caption_kind
from chains.services import atlas_recompute
from chains.services.atlas import RECOMPUTED, UNCHANGED
from tests.analysis.conftest import SHARED_WORLD_LENGTH
from tests.analysis.pages import check_every_page, page, word_of

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("analysis-shared-world")]
POINTS_PER_CHAIN = SHARED_WORLD_LENGTH + 1  # the starting picture's caption and one per step


def test_every_page_renders_with_many_chains(client, shared_world):
    check_every_page(client, shared_world)


@pytest.mark.parametrize(
    "url,status",
    [
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
    ],
)
def test_bad_parameters_give_a_clean_page_or_a_404(client, shared_world, url, status):
    page(client, url, status)


def test_hidden_and_private_chains_appear_nowhere(client, shared_world):
    chains = shared_world
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


def test_clicking_a_dot_draws_its_chain(client, shared_world):
    chains = shared_world
    point = chains[1].steps.get(index=1).atlas_point
    fragment = page(client, f"/atlas/at/?x={point.x}&y={point.y}&fragment=1")
    assert 'id="atlas-map-selection"' in fragment and f'data-chain="{chains[1].slug}"' in fragment
    response = client.get(f"/atlas/at/?x={point.x}&y={point.y}&zoom=4")
    assert response.status_code == 302 and f"chain={chains[1].slug}" in response["Location"]
    assert "zoom=4" in response["Location"]
    empty = page(client, "/atlas/at/?x=1.4&y=1.4&fragment=1")
    assert "No caption there" in empty


def test_search_answers_htmx_with_the_results_fragment(client, shared_world):
    chains = shared_world
    word = word_of(chains[0].steps.get(index=0).caption)
    fragment = client.get(f"/search/?q={word}", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="search-results"')
    assert "<mark>" in fragment


def test_atlas_page_queries_do_not_grow_with_chains(client, shared_world, django_assert_max_num_queries):
    chains = shared_world
    with django_assert_max_num_queries(14):
        client.get(f"/atlas/?chain={chains[0].slug}")


def test_research_export_has_every_public_step_with_its_figures(client, shared_world):
    chains = shared_world
    rows = list(csv.DictReader(io.StringIO(page(client, "/research/steps.csv"))))
    assert len(rows) == len(chains) * POINTS_PER_CHAIN and {row["chain_slug"] for row in rows} == {
        c.slug for c in chains
    }
    row = next(r for r in rows if r["chain_slug"] == chains[1].slug and r["step_index"] == "3")
    step = chains[1].steps.get(index=3)
    baseline = Baseline.objects.get(kind=caption_kind(step.embedding_model)).mean
    assert float(row["similarity_to_origin"]) == pytest.approx(step.similarity_to_origin, abs=1e-5)
    assert float(row["calibrated_similarity_to_origin"]) == pytest.approx(
        (step.similarity_to_origin - baseline) / (1 - baseline), abs=1e-4
    )
    assert row["caption"] == step.caption and row["atlas_x"] and row["chain_half_life"]
    assert float(row["image_similarity_to_origin"]) == pytest.approx(step.image_similarity_to_origin, abs=1e-5)


def snapshot() -> tuple:
    points = sorted(AtlasPoint.objects.values_list("step_id", "x", "y", "attractor_id"))
    attractors = sorted(Attractor.objects.values_list("pk", "label", "size", "chain_count", "median_arrival"))
    return points, attractors


def test_recompute_is_idempotent(shared_world):
    Atlas.objects.all().delete()  # the world's own, fitted when it was built: start from none
    assert atlas_recompute() == RECOMPUTED
    first = snapshot()
    version = Atlas.objects.get().version
    assert atlas_recompute() == UNCHANGED, "same inputs: the fit is skipped"
    assert snapshot() == first
    assert atlas_recompute(force=True) == RECOMPUTED
    assert snapshot() == first, "refitting the same data gives the same map and the same attractors"
    assert Atlas.objects.get().version == version + 1
    assert AtlasPoint.objects.count() == len(shared_world) * POINTS_PER_CHAIN


def test_the_atlas_holds_every_public_caption_and_names_attractors(shared_world):
    chains = shared_world
    Chain.objects.filter(pk=chains[0].pk).update(visibility="private")
    atlas_recompute()
    atlas = Atlas.objects.get()
    public = len(chains) - 1
    assert atlas.point_count == public * POINTS_PER_CHAIN and atlas.chain_count == public
    assert not AtlasPoint.objects.filter(chain=chains[0]).exists()
    for attractor in Attractor.objects.all():
        assert attractor.label and attractor.size >= 1 and attractor.exemplar_id
    ends = ChainAnalysis.objects.exclude(attractor=None)
    assert sum(Attractor.objects.values_list("chain_count", flat=True)) == ends.count()
    baseline = Baseline.objects.get(kind=caption_kind(atlas.space))
    assert -1 < baseline.mean < 1 and baseline.groups == public
    assert Baseline.objects.filter(kind=IMAGE_KIND).exists()


def test_a_hidden_chain_leaves_the_map_before_the_next_recompute(shared_world):
    chains = shared_world
    atlas = Atlas.objects.get()
    assert len(atlas_map_points(atlas=atlas)) == len(chains) * POINTS_PER_CHAIN
    Chain.objects.filter(pk=chains[1].pk).update(is_hidden=True)
    assert len(atlas_map_points(atlas=atlas)) == (len(chains) - 1) * POINTS_PER_CHAIN


def test_similar_steps_come_from_other_public_chains_best_first(shared_world):
    chains = shared_world
    step = chains[0].steps.get(index=2)
    similar = step_similar(step=step, limit=5)
    assert 0 < len(similar) <= 5
    assert all(item.step.chain_id != chains[0].pk for item in similar)
    values = [item.similarity for item in similar]
    assert values == sorted(values, reverse=True)
    Chain.objects.filter(pk=similar[0].step.chain_id).update(is_hidden=True)
    assert all(item.step.chain_id != similar[0].step.chain_id for item in step_similar(step=step, limit=5))
