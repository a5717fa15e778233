"""The ComfyUI painter over HTTP: queue the workflow, follow /history, fetch from /view."""

from __future__ import annotations

import json

import pytest

from chains.providers import build_providers, clear_provider_cache
from chains.providers.base import PaintRequest, ProviderError
from chains.providers.comfyui import NO_PICTURE, RUN_FAILED, TOO_SLOW, problems
from tests.fakes.comfyui_server import FakeComfyUIServer
from tests.fakes.compat import painted_png
from tests.fakes.fixtures import EXAMPLE_WORKFLOW, use_comfyui


@pytest.fixture
def comfy(settings):
    settings.TELEPHONE_PROVIDER = "local"
    with FakeComfyUIServer(run_seconds=0.2) as server:
        use_comfyui(settings, server)
        yield server


def paint(prompt: str = "A red kite over a hill.", seed: int = 4321):
    return build_providers().painter.paint(PaintRequest(prompt=prompt, seed=seed, step_index=1))


def workflow_file(tmp_path, change) -> str:
    workflow = json.loads(EXAMPLE_WORKFLOW.read_text())
    change(workflow)
    path = tmp_path / "workflow.json"
    path.write_text(json.dumps(workflow))
    return str(path)


def test_the_workflow_is_queued_filled_in_then_followed_to_its_picture(comfy):
    result = paint()

    [queued] = comfy.requests_to("/prompt")
    sent = queued.body["prompt"]
    assert sent["3"]["inputs"]["seed"] == 4321  # a number, where "{{seed}}" stood
    assert sent["6"]["inputs"]["text"] == "A red kite over a hill."
    assert sent["7"]["inputs"]["text"] == "blurry, watermark, text"  # untouched
    assert len(queued.body["client_id"]) == 32
    polls = comfy.requests_to(f"/history/{result.request_id}")
    assert len(polls) >= 2, "the first poll comes before the run ends and answers {}"
    [view] = comfy.requests_to("/view")
    assert view.query == {"filename": "telephone_00001_.png", "subfolder": "", "type": "output"}
    assert result.image == painted_png("A red kite over a hill. blurry, watermark, text", 4321)
    assert result.model == "sd_xl_base_1.0.safetensors"
    assert result.params["seed"] == 4321 and result.params["workflow"] == "sdxl_telephone_api.json"
    assert result.cost == 0


def test_a_rejected_workflow_names_the_node_and_its_complaint(comfy, settings, tmp_path):
    settings.COMFYUI_WORKFLOW = workflow_file(
        tmp_path, lambda w: w["4"]["inputs"].update(ckpt_name="missing.safetensors")
    )
    with pytest.raises(ProviderError) as caught:
        paint()

    assert caught.value.permanent
    assert "node 4 (CheckpointLoaderSimple): Value not in list — ckpt_name: 'missing.safetensors'" in (
        caught.value.message
    )


def test_a_failed_run_says_which_node_failed(comfy):
    comfy.failure = "Expected all tensors to be on the same device"
    with pytest.raises(ProviderError) as caught:
        paint()

    assert caught.value.permanent
    assert caught.value.message == RUN_FAILED.format(detail="KSampler: Expected all tensors to be on the same device")


def test_running_out_of_gpu_memory_is_worth_another_try(comfy):
    comfy.failure = "CUDA out of memory. Tried to allocate 2.00 GiB"
    with pytest.raises(ProviderError) as caught:
        paint()

    assert not caught.value.permanent


def test_a_run_that_outlasts_the_deadline_is_transient(comfy, settings):
    comfy.run_seconds = 5
    settings.COMFYUI_TIMEOUT = 0.4
    clear_provider_cache()
    with pytest.raises(ProviderError) as caught:
        paint()

    assert not caught.value.permanent and caught.value.message == TOO_SLOW.format(seconds=0.4)


def test_a_run_without_a_saved_picture_says_what_to_add(comfy):
    comfy.save_outputs = False
    with pytest.raises(ProviderError) as caught:
        paint()

    assert caught.value.permanent and caught.value.message == NO_PICTURE
    assert not comfy.requests_to("/view")


def test_workflow_problems_are_configuration_errors(tmp_path, settings):
    no_seed = workflow_file(tmp_path, lambda w: w["3"]["inputs"].update(seed=1))
    found = problems("image", {"base_url": "http://127.0.0.1:8188", "workflow": no_seed}, None)
    assert [problem.message for problem in found] == [
        f"COMFYUI_WORKFLOW={no_seed} has no {{{{seed}}}} placeholder: put it where the seed goes."
    ]

    ui_format = tmp_path / "ui.json"
    ui_format.write_text(json.dumps({"nodes": [{"id": 3, "type": "KSampler"}], "links": []}))
    [problem] = problems("image", {"base_url": "http://127.0.0.1:8188", "workflow": str(ui_format)}, None)
    assert "is not in API format" in problem.message

    assert problems("image", {"base_url": "http://127.0.0.1:8188", "workflow": str(EXAMPLE_WORKFLOW)}, None) == []
