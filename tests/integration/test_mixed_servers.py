"""Three-step chains through a real worker process, each role on its own kind of server.

- captions and embeddings from an Ollama-like fake, pictures and screening from an
  OpenAI-like fake: two servers, one chain;
- pictures from AUTOMATIC1111; pictures from ComfyUI (captions offline).
The fakes run in this process on 127.0.0.1; the worker reaches them over HTTP with
nothing but the chain's snapshot and the keys in its environment.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from chains.models import Chain, Status
from chains.services import chain_start
from tests.factories import make_chain
from tests.fakes.a1111_server import TXT2IMG, FakeA1111Server
from tests.fakes.comfyui_server import FakeComfyUIServer
from tests.fakes.fixtures import FAKE_API_KEY, point_openai_at, route_role, use_a1111, use_comfyui
from tests.fakes.ollama_server import EMBEDDING_MODEL, VISION_MODEL, FakeOllamaServer
from tests.fakes.openai_server import FakeOpenAIServer
from tests.support.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LENGTH = 3


def run_in_worker(chain: Chain, tmp_path, env: dict) -> Chain:
    chain_start(chain=chain)
    worker = WorkerProcess(log_path=tmp_path / "worker.log", extra_env=env).start()
    try:
        wait_until(lambda: Chain.objects.get(pk=chain.pk).is_ended, timeout=120, what="the chain to end")
    except AssertionError:
        raise AssertionError(worker.log()) from None
    finally:
        worker.stop()
    chain.refresh_from_db()
    assert chain.status == Status.COMPLETED, f"{chain.error_message}\n{worker.log()}"
    assert list(chain.steps.values_list("index", flat=True)) == list(range(LENGTH + 1))
    return chain


@pytest.mark.usefixtures("real_broker")
def test_captions_from_ollama_and_pictures_from_openai(settings, tmp_path):
    with FakeOpenAIServer() as openai_fake, FakeOllamaServer() as ollama:
        point_openai_at(settings, openai_fake)
        route_role(settings, "caption", ollama, model=VISION_MODEL)
        route_role(settings, "embedding", ollama, model=EMBEDDING_MODEL)
        chain = make_chain(target_length=LENGTH, provider=None)
        chain = run_in_worker(
            chain,
            tmp_path,
            {
                "TELEPHONE_PROVIDER": "openai",
                "OPENAI_API_KEY": FAKE_API_KEY,
                "OPENAI_BASE_URL": openai_fake.url + "/v1",
                "OPENAI_CAPTION_BASE_URL": ollama.url + "/v1",
                "OPENAI_EMBEDDING_BASE_URL": ollama.url + "/v1",
            },
        )

        assert len(ollama.requests_to("/v1/chat/completions")) == LENGTH + 1
        assert len(ollama.requests_to("/v1/embeddings")) == LENGTH + 1
        assert len(openai_fake.requests_to("/v1/images/generations")) == LENGTH
        assert openai_fake.requests_to("/v1/moderations"), "captions and pictures were screened"
        assert not openai_fake.requests_to("/v1/chat/completions")
        assert all(r.headers["authorization"] == "Bearer no-key-needed" for r in ollama.requests)

    snapshot = chain.provider_settings
    assert (snapshot["caption_backend"], snapshot["caption_server"], snapshot["caption_model"]) == (
        "openai",
        ollama.host,
        VISION_MODEL,
    )
    assert (snapshot["image_backend"], snapshot["image_server"], snapshot["image_model"]) == (
        "openai",
        openai_fake.host,
        "gpt-image-2",
    )
    steps = list(chain.steps.order_by("index"))
    assert {step.caption_model for step in steps} == {VISION_MODEL}
    assert all(step.calls["caption"]["cost"] == "0" for step in steps)
    paints = [Decimal(step.calls["paint"]["cost"]) for step in steps[1:]]
    assert all(cost > 0 for cost in paints)
    assert chain.estimated_cost == sum(paints)


@pytest.mark.usefixtures("real_broker")
def test_pictures_from_automatic1111_with_the_chains_seeds(settings, tmp_path):
    settings.TELEPHONE_PROVIDER = "local"
    with FakeA1111Server() as a1111:
        use_a1111(settings, a1111)
        chain = make_chain(target_length=LENGTH, provider=None)
        chain = run_in_worker(chain, tmp_path, {"TELEPHONE_PROVIDER": "local"})
        seeds = [request.body["seed"] for request in a1111.requests_to(TXT2IMG)]

    assert seeds == [chain.seed + index for index in range(1, LENGTH + 1)]
    assert set(chain.steps.exclude(index=0).values_list("image_model", flat=True)) == {"sd_xl_base_1.0"}
    assert chain.provider_settings["image_backend"] == "a1111" and chain.estimated_cost == 0


@pytest.mark.usefixtures("real_broker")
def test_pictures_from_comfyui_following_history_to_view(settings, tmp_path):
    settings.TELEPHONE_PROVIDER = "local"
    with FakeComfyUIServer(run_seconds=0.2) as comfy:
        use_comfyui(settings, comfy)
        chain = make_chain(target_length=LENGTH, provider=None)
        chain = run_in_worker(chain, tmp_path, {"TELEPHONE_PROVIDER": "local"})
        queued = comfy.requests_to("/prompt")
        views = comfy.requests_to("/view")

    assert [request.body["prompt"]["3"]["inputs"]["seed"] for request in queued] == [
        chain.seed + index for index in range(1, LENGTH + 1)
    ]
    assert len(views) == LENGTH
    steps = chain.steps.exclude(index=0)
    assert set(steps.values_list("image_model", flat=True)) == {"sd_xl_base_1.0.safetensors"}
    assert {step.image_request_id for step in steps} == set(comfy.runs)
