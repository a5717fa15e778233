"""Each OpenAI-compatible server kind, through the real client, against a fake on 127.0.0.1.

Every test checks the request body at the wire and what the engine makes of the
server's answer, including its quirks and its own error envelope.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from chains import costs
from chains.providers import build_providers, clear_provider_cache
from chains.providers.base import CaptionRequest, PaintRequest, ProviderError
from tests.fakes import lmstudio_server, localai_server, ollama_server, vllm_server
from tests.fakes.compat import painted_png
from tests.fakes.fixtures import FAKE_API_KEY, point_openai_at, route_role
from tests.fakes.llamacpp_server import FakeLlamaCppServer
from tests.fakes.lmstudio_server import FakeLMStudioServer
from tests.fakes.localai_server import FakeLocalAIServer
from tests.fakes.ollama_server import FakeOllamaServer
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.vllm_server import FakeVLLMOmniServer, FakeVLLMServer

INSTRUCTIONS = "Describe this image in one or two sentences."


def webp() -> bytes:
    """Steps are stored as WebP: the caption request always carries one."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 200)).save(buffer, format="WEBP")
    return buffer.getvalue()


def caption_request(detail: str = "somewhat") -> CaptionRequest:
    return CaptionRequest(image=webp(), instructions=INSTRUCTIONS, detail=detail)


@pytest.fixture
def openai_fake(settings):
    """OpenAI itself (paid), for the roles a test does not send elsewhere."""
    with FakeOpenAIServer() as server:
        point_openai_at(settings, server)
        yield server
    clear_provider_cache()


# --- Ollama ---------------------------------------------------------------------------------


def test_ollama_captions_with_max_tokens_and_a_webp_data_url(settings, openai_fake):
    with FakeOllamaServer() as ollama:
        route_role(settings, "caption", ollama, model=ollama_server.VISION_MODEL)
        result = build_providers().captioner.caption(caption_request())

    sent = ollama.last(ollama_server.CHAT)
    assert sent.body["model"] == "qwen2.5vl:7b"
    assert sent.body["max_tokens"] == 120 and sent.body["temperature"] == 0.7
    assert "max_completion_tokens" not in sent.body  # Ollama would ignore it: no bound at all
    image_part = sent.body["messages"][0]["content"][1]["image_url"]["url"]
    assert image_part.startswith("data:image/webp;base64,")
    assert sent.headers["authorization"] == "Bearer no-key-needed"  # the OpenAI key stays with OpenAI
    assert result.text == ollama.caption.strip()
    assert result.cost == Decimal("0") and result.price_source == costs.SELF_HOSTED_FREE
    assert not openai_fake.requests_to("/v1/chat/completions")


def test_ollama_embeds_as_floats(settings, openai_fake):
    with FakeOllamaServer() as ollama:
        route_role(settings, "embedding", ollama, model=ollama_server.EMBEDDING_MODEL)
        result = build_providers().embedder.embed(["a red kite"])

    assert ollama.last(ollama_server.EMBEDDINGS).body == {
        "model": "nomic-embed-text:latest",
        "input": ["a red kite"],
        "encoding_format": "float",
    }
    assert result.vectors.shape == (1, 768) and result.vectors.dtype == np.float32
    assert result.tokens == 3 and result.cost == 0


def test_ollama_names_a_model_that_was_not_pulled(settings, openai_fake):
    with FakeOllamaServer() as ollama:
        route_role(settings, "caption", ollama, model="llava:34b")
        with pytest.raises(ProviderError) as caught:
            build_providers().captioner.caption(caption_request())

    assert caught.value.permanent
    assert 'model "llava:34b" not found, try pulling it first' in caught.value.message
    assert len(ollama.requests_to(ollama_server.CHAT)) == 1


def test_ollama_has_no_image_route_and_its_404_is_plain_text(settings, openai_fake):
    with FakeOllamaServer() as ollama:
        route_role(settings, "image", ollama, model="qwen2.5vl:7b")
        with pytest.raises(ProviderError) as caught:
            build_providers().painter.paint(PaintRequest(prompt="A kite.", seed=3))
        [request] = ollama.requests_to("/v1/images/generations")

    assert caught.value.permanent
    assert "HTTP 404" in caught.value.message and "404 page not found" in caught.value.message
    assert request.body == {"model": "qwen2.5vl:7b", "prompt": "A kite.", "n": 1, "size": "1024x1024", "seed": 3}


# --- vLLM and vLLM-Omni ---------------------------------------------------------------------


def test_vllm_captions_and_refuses_another_model_name(settings, openai_fake):
    with FakeVLLMServer() as vllm:
        route_role(settings, "caption", vllm, model="Qwen/Qwen2.5-VL-7B-Instruct")
        result = build_providers().captioner.caption(caption_request("very"))
        assert vllm.last(vllm_server.CHAT).body["max_tokens"] == 300
        assert result.text == vllm.caption.strip()

        route_role(settings, "caption", vllm, model="qwen-vl")
        with pytest.raises(ProviderError) as caught:
            build_providers().captioner.caption(caption_request())

    assert caught.value.permanent
    assert "The model `qwen-vl` does not exist." in caught.value.message


def test_vllm_without_a_pooling_model_cannot_embed(settings, openai_fake):
    with FakeVLLMServer() as vllm:
        route_role(settings, "embedding", vllm, model=vllm.model)
        with pytest.raises(ProviderError) as caught:
            build_providers().embedder.embed(["a kite"])

    assert caught.value.permanent
    assert "does not support Embeddings API" in caught.value.message


def test_vllm_omni_paints_base64_and_honours_the_seed(settings, openai_fake):
    with FakeVLLMOmniServer() as omni:
        route_role(settings, "image", omni, model=omni.model)
        painter = build_providers().painter
        first = painter.paint(PaintRequest(prompt="A red kite.", seed=11))
        again = painter.paint(PaintRequest(prompt="A red kite.", seed=11))
        other = painter.paint(PaintRequest(prompt="A red kite.", seed=12))

        sent = omni.last(vllm_server.IMAGES).body
    assert sent == {
        "model": "Tongyi-MAI/Z-Image-Turbo",
        "prompt": "A red kite.",
        "n": 1,
        "size": "1024x1024",
        "seed": 12,
    }
    assert first.image == again.image != other.image
    assert first.cost == 0 and not first.estimated
    assert painter.prompt_limit == 4000  # an unknown painter gets the conservative limit


def test_vllm_omni_detail_errors_read_plainly(settings, openai_fake):
    with FakeVLLMOmniServer() as omni:
        route_role(settings, "image", omni, model="another-model")
        with pytest.raises(ProviderError) as caught:
            build_providers().painter.paint(PaintRequest(prompt="A kite.", seed=1))

    assert caught.value.permanent
    assert "Model mismatch: server serves 'Tongyi-MAI/Z-Image-Turbo'" in caught.value.message


# --- LM Studio and llama.cpp ----------------------------------------------------------------


def test_lmstudio_answers_with_its_loaded_model_whatever_is_asked(settings, openai_fake):
    with FakeLMStudioServer() as studio:
        route_role(settings, "caption", studio, model="gemma-3-12b-it")
        result = build_providers().captioner.caption(caption_request())

    assert studio.last(lmstudio_server.CHAT).body["model"] == "gemma-3-12b-it"
    assert result.model == "gemma-3-12b-it"
    assert result.usage["served_model"] == "google/gemma-3-12b"  # the quirk is on record


def test_lmstudio_string_errors_reach_the_message(settings, openai_fake):
    with FakeLMStudioServer(loaded=()) as studio:
        route_role(settings, "caption", studio, model="google/gemma-3-12b")
        with pytest.raises(ProviderError) as caught:
            build_providers().captioner.caption(caption_request())

    assert caught.value.permanent
    assert lmstudio_server.NO_MODELS in caught.value.message


def test_llamacpp_without_embeddings_says_how_to_start_it(settings, openai_fake):
    with FakeLlamaCppServer() as llama:
        route_role(settings, "embedding", llama, model=llama.alias)
        with pytest.raises(ProviderError) as caught:
            build_providers().embedder.embed(["a kite"])

    assert caught.value.permanent  # 501: asking again cannot help
    assert "Start it with `--embeddings`" in caught.value.message
    assert len(llama.requests_to("/v1/embeddings")) == 1


def test_llamacpp_captions_and_without_mmproj_fails_transiently(settings, openai_fake):
    settings.OPENAI_RETRY_ATTEMPTS = 1
    with FakeLlamaCppServer() as llama:
        route_role(settings, "caption", llama, model=llama.alias)
        assert build_providers().captioner.caption(caption_request()).text == llama.caption.strip()
        llama.mmproj = False
        with pytest.raises(ProviderError) as caught:
            build_providers().captioner.caption(caption_request())

    assert "image input is not supported" in caught.value.message


# --- LocalAI ---------------------------------------------------------------------------------


def test_localai_answers_a_link_which_the_engine_fetches_from_localai_itself(settings, openai_fake):
    """The link is returned, recorded by the engine, then fetched (plain http to LocalAI's own host)."""
    with FakeLocalAIServer() as localai:
        route_role(settings, "image", localai, model="stablediffusion")
        painter = build_providers().painter
        result = painter.paint(PaintRequest(prompt="A kite|blurry", seed=5))
        image = painter.fetch(result.url)

        sent = localai.last(localai_server.IMAGES).body
        downloads = [r for r in localai.requests if r.path.startswith(localai_server.GENERATED)]
    assert sent == {"model": "stablediffusion", "prompt": "A kite|blurry", "n": 1, "size": "1024x1024", "seed": 5}
    assert result.image == b"" and result.url.startswith(localai.url)
    assert len(downloads) == 1 and "authorization" not in downloads[0].headers
    assert image == painted_png("A kite", 5, (64, 64))


def test_localai_answers_base64_when_asked(settings, openai_fake):
    settings.OPENAI_IMAGE_RESPONSE_FORMAT = "b64_json"
    with FakeLocalAIServer() as localai:
        route_role(settings, "image", localai, model="stablediffusion")
        result = build_providers().painter.paint(PaintRequest(prompt="A kite", seed=5))

        assert localai.last(localai_server.IMAGES).body["response_format"] == "b64_json"
        assert not [r for r in localai.requests if r.path.startswith(localai_server.GENERATED)]
    assert result.image == painted_png("A kite", 5, (64, 64))


# --- One chain's roles on different servers --------------------------------------------------


def test_each_role_uses_its_own_server_and_the_snapshot_says_which(settings, openai_fake):
    with FakeOllamaServer() as ollama:
        route_role(settings, "caption", ollama, model=ollama_server.VISION_MODEL)
        route_role(settings, "embedding", ollama, model=ollama_server.EMBEDDING_MODEL)
        providers = build_providers()
        providers.captioner.caption(caption_request())
        painted = providers.painter.paint(PaintRequest(prompt="A kite.", seed=1))
        providers.moderator.moderate(text="a kite")

    snapshot = providers.snapshot
    assert snapshot["caption_server"] == snapshot["embedding_server"] == ollama.host
    assert snapshot["image_server"] == snapshot["moderation_server"] == openai_fake.host
    assert snapshot["caption_endpoint"] == "self-hosted" and snapshot["image_endpoint"] == "gateway"
    assert (snapshot["caption_model"], snapshot["image_model"]) == ("qwen2.5vl:7b", "gpt-image-2")
    assert providers.name == "openai"
    assert openai_fake.last("/v1/images/generations").headers["authorization"] == f"Bearer {FAKE_API_KEY}"
    assert painted.cost > 0 and not painted.estimated
