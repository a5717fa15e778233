"""Analysis pages over worlds each test builds: every page with 0, 1 and 2 chains,
experiments and comparisons. (Twelve chains, the research export, bad parameters and
what never shows: test_atlas_pages.py, on a world the module shares.)"""

from __future__ import annotations

import pytest

from chains.models import Chain, Experiment
from chains.services import atlas_recompute, experiment_create
from tests.analysis.conftest import build_world, local_chain, painted_start
from tests.analysis.pages import check_every_page, page
from tests.factories import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]


@pytest.mark.parametrize("count", [0, 1, 2])
def test_every_page_renders(client, count):
    """Twelve chains: test_atlas_pages.py."""
    check_every_page(client, build_world(count))


def test_experiment_pages(client):
    experiment = experiment_create(
        image=painted_start(3),
        details=["somewhat", "very"],
        modes=["telephone"],
        models=["local"],
        target_length=2,
        title="Two details",
        start=False,
    )
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


def test_only_researchers_start_experiments(client):
    """Issue 12: a staff account with no permissions could launch experiments."""
    assert client.get("/experiments/new/").status_code == 302
    client.force_login(make_staff("bare-staff"))
    assert client.get("/experiments/new/").status_code == 403
    assert (
        client.post(
            "/experiments/new/", {"details": ["very"], "modes": ["telephone"], "models": ["local"], "target_length": 1}
        ).status_code
        == 403
    )
    assert "Start an experiment" not in client.get("/experiments/").content.decode()
    client.force_login(make_staff("curator", roles=("researcher",)))
    assert "Start an experiment" in client.get("/experiments/").content.decode()
    assert "Start the experiment" in page(client, "/experiments/new/")
    source = local_chain(8, length=1)
    response = client.post(
        "/experiments/new/",
        {
            "title": "From a chain",
            "from_chain": f"http://testserver/c/{source.slug}/",
            "details": ["somewhat", "very"],
            "modes": ["telephone"],
            "models": ["local"],
            "target_length": 1,
        },
    )
    experiment = Experiment.objects.get(title="From a chain")
    assert response.status_code == 302 and response["Location"] == experiment.get_absolute_url()
    assert experiment.chains.count() == 2
    missing = client.post(
        "/experiments/new/", {"details": ["very"], "modes": ["telephone"], "models": ["local"], "target_length": 2}
    )
    assert "Upload a starting image" in missing.content.decode()


def test_compare_aligns_branches_at_their_fork_against_the_lineage_origin(client):
    from chains.metrics.drift import cosine_similarity
    from chains.selectors.research import lineage_similarity_series

    parent = local_chain(1, length=5)
    fork = parent.steps.get(index=3)
    from chains.services import chain_create, chain_run_inline

    with fork.image.open("rb") as handle:
        branch = chain_run_inline(
            chain=chain_create(
                image=handle.read(), target_length=3, provider="local", parent=parent, fork_step=fork, title="Branch"
            )
        )
    series = lineage_similarity_series([parent, branch], metric="caption", scale="raw")
    assert len(series[0]["values"]) == 6 and len(series[1]["values"]) == 3 + 1 + 3
    assert series[1]["values"][:3] == [None, None, None]
    origin = parent.steps.get(index=0).vector
    expected = cosine_similarity(branch.steps.get(index=0).vector, origin)
    assert series[1]["values"][3] == pytest.approx(expected)
    chart = page(client, f"/compare/?chain={parent.slug}&chain={branch.slug}&align=lineage&metric=image")
    assert "plot-compare" in chart and "fork" in chart
