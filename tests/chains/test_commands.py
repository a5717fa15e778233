"""The command-line entry points: telephone, export_chain, ensure_demo_chains."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from chains.management.commands.ensure_demo_chains import DEMO_PREFIX, DEMOS, EXPERIMENT_TITLE, LIVE_PREFIX, LONG_DEMO
from chains.management.commands.export_chain import NO_SUCH_CHAIN
from chains.models import Chain, Experiment, Status
from chains.providers.local import PACE_KEY
from chains.services.dispatch import inline_dispatch
from tests.factories import SCRIPTED
from tests.support.providers import solid_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]


@pytest.fixture
def start_image(tmp_path):
    path = tmp_path / "start.png"
    path.write_bytes(solid_png())
    return path


def test_telephone_sync_runs_a_chain_and_prints_where_to_see_it(start_image, capsys):
    call_command(
        "telephone",
        str(start_image),
        "--steps",
        "3",
        "--detail",
        "obsessively",
        "--mode",
        "more",
        "--theme",
        "golden",
        "--provider",
        SCRIPTED,
        "--sync",
    )
    chain = Chain.objects.get()
    assert chain.status == Status.COMPLETED and chain.steps.count() == 4
    assert chain.detail == "obsessively" and chain.theme == "golden"
    assert chain.steps.get(index=1).paint_prompt.endswith("Make it more golden.")
    assert f"/c/{chain.slug}/" in capsys.readouterr().out


def test_telephone_with_the_local_provider(start_image):
    call_command("telephone", str(start_image), "--steps", "2", "--provider", "local", "--sync", verbosity=0)
    chain = Chain.objects.get()
    assert chain.status == Status.COMPLETED
    assert all(step.caption for step in chain.steps.all())


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--steps", "0"], "1 to 200"),
        (["--steps", "201"], "1 to 200"),
        (["--provider", "nonsense"], "Unknown provider"),
    ],
)
def test_telephone_reports_bad_input_clearly(start_image, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("telephone", str(start_image), *arguments, "--sync")
    assert not Chain.objects.exists()


def test_telephone_refuses_a_file_that_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not an image")
    with pytest.raises(CommandError, match="not an image"):
        call_command("telephone", str(path), "--sync")


def test_export_chain_writes_the_experiment_folder(start_image, tmp_path):
    call_command("telephone", str(start_image), "--steps", "2", "--provider", SCRIPTED, "--sync", verbosity=0)
    chain = Chain.objects.get()
    out = tmp_path / "export"
    call_command("export_chain", chain.slug, str(out))
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        "image_1.jpg",
        "image_2.jpg",
        "metadata_0.json",
        "metadata_1.json",
        "metadata_2.json",
        "original.jpg",
    ]
    metadata = json.loads((out / "metadata_2.json").read_text())
    assert metadata["iteration"] == 2
    assert metadata["caption"] == "caption of step 2"
    assert metadata["prompt"] == "caption of step 1"
    assert metadata["embedding_model"] == "scripted-embedder"
    assert set(metadata["timings_ms"]) == {"paint", "caption", "embed"}


def test_export_of_an_unknown_chain_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No chain") as refused:
        call_command("export_chain", "404", str(tmp_path))
    assert str(refused.value) == NO_SUCH_CHAIN.format(chain="404")


def test_demo_chains_are_created_once_and_started(capsys, share_card_requests):
    call_command("ensure_demo_chains", "--steps", "1", "--long-steps", "2")
    call_command("ensure_demo_chains", "--steps", "1", "--long-steps", "2")
    demos = Chain.objects.filter(title__startswith="Demo")
    experiment = Experiment.objects.get(title=EXPERIMENT_TITLE)
    assert demos.count() == len(DEMOS) + 1 + experiment.chains.count()
    assert len(DEMOS) >= 12 and experiment.chains.count() == 4
    assert all(chain.status == Status.COMPLETED for chain in demos)
    assert sorted(share_card_requests) == sorted(demos.values_list("pk", flat=True)), "each asked once for its cards"
    assert {(chain.mode, chain.detail) for chain in demos} >= {
        (mode, detail)
        for mode in ("telephone", "more", "story")
        for detail in ("somewhat", "very", "excessively", "obsessively")
    }
    long_chain = demos.get(title=DEMO_PREFIX + LONG_DEMO[0])
    assert long_chain.target_length == 2
    assert LIVE_PREFIX + long_chain.get_absolute_url() in capsys.readouterr().out


def test_demo_chains_record_their_pace_for_the_painter():
    """The pace is read from the chain by the painter, so the chains are only started
    here (their first phases kept in a local queue), not painted at that pace."""
    with inline_dispatch() as started:
        call_command("ensure_demo_chains", "--steps", "1", "--long-steps", "1", "--pace", "0.01")
    demos = Chain.objects.filter(title__startswith="Demo")
    paces = {chain.provider_settings.get(PACE_KEY) for chain in demos}
    assert paces == {0.01}
    assert len(started) == demos.count() == len(DEMOS) + 1 + 4
