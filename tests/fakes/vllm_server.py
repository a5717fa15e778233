"""Fakes of vLLM's OpenAI-compatible server and of vLLM-Omni's image API.

vLLM (`vllm serve <model> --served-model-name <name>`) serves one model:
- another model name is 404 {"error": {"message": "The model `x` does not exist.",
  "type": "NotFoundError", "param": "model", "code": 404}};
- it takes `max_tokens` and `max_completion_tokens` alike, and refuses a bound past
  the context window (400 BadRequestError);
- an image sent to a text-only model is 400; embeddings need a pooling model.
vLLM-Omni (`vllm serve <diffusion model> --omni`) answers `POST /v1/images/generations`
with base64 only (`"url"` is 400 {"detail": ...}), honours the extension `seed`, and
refuses a model name other than its own with 400 {"detail": ...}.
"""

from __future__ import annotations

import base64
import time

from .compat import (
    DEFAULT_CAPTION,
    chat_completion_json,
    embedding_list,
    model_list,
    painted_png,
    parse_size,
    user_parts,
    words,
)
from .harness import FakeServer, RecordedRequest, ScriptedResponse

CHAT = "/v1/chat/completions"
EMBEDDINGS = "/v1/embeddings"
IMAGES = "/v1/images/generations"
MODELS = "/v1/models"


def vllm_error(status: int, message: str, kind: str = "BadRequestError", param: str | None = None):
    return ScriptedResponse(
        status=status, json={"error": {"message": message, "type": kind, "param": param, "code": status}}
    )


class FakeVLLMServer(FakeServer):
    name = "vllm"

    def __init__(
        self,
        *,
        model: str = "Qwen/Qwen2.5-VL-7B-Instruct",
        multimodal: bool = True,
        pooling: bool = False,
        max_model_len: int = 8192,
    ):
        super().__init__()
        self.model = model
        self.multimodal = multimodal
        self.pooling = pooling
        self.max_model_len = max_model_len
        self.caption = DEFAULT_CAPTION

    def outage_response(self, status: int) -> ScriptedResponse:
        return vllm_error(status, "EngineCore encountered an issue.", kind="InternalServerError")

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "GET" and request.path == MODELS:
            listed = model_list([self.model], owned_by="vllm")
            listed["data"][0].update(root=self.model, parent=None, max_model_len=self.max_model_len)
            return ScriptedResponse(json=listed)
        if request.method == "GET" and request.path == "/health":
            return ScriptedResponse(body=b"", content_type="application/json")
        if request.method == "POST" and request.path in (CHAT, EMBEDDINGS):
            if body.get("model") != self.model:
                return vllm_error(
                    404, f"The model `{body.get('model')}` does not exist.", kind="NotFoundError", param="model"
                )
            return self._chat(body) if request.path == CHAT else self._embeddings(body)
        return ScriptedResponse(status=404, json={"detail": "Not Found"})

    def _chat(self, body: dict) -> ScriptedResponse:
        if self.pooling:
            return vllm_error(400, "The model does not support Chat Completions API")
        text, images = user_parts(body)
        if images and not self.multimodal:
            return vllm_error(400, f"{self.model} is not a multimodal model")
        bound = body.get("max_completion_tokens") or body.get("max_tokens")
        prompt_tokens = words(text) + 1200 * len(images)
        if bound is not None and bound + prompt_tokens > self.max_model_len:
            return vllm_error(
                400,
                f"'max_tokens' or 'max_completion_tokens' is too large: {bound}. This model's "
                f"maximum context length is {self.max_model_len} tokens and your request has "
                f"{prompt_tokens} input tokens.",
            )
        answer = chat_completion_json(
            self.caption,
            model=self.model,
            number=self.next_id(),
            prompt_tokens=prompt_tokens,
            completion_tokens=words(self.caption),
        )
        answer["choices"][0]["message"]["reasoning_content"] = None
        return ScriptedResponse(json=answer)

    def _embeddings(self, body: dict) -> ScriptedResponse:
        if not self.pooling:
            return vllm_error(400, "The model does not support Embeddings API")
        return ScriptedResponse(
            json=embedding_list(
                body.get("input", []),
                model=self.model,
                dimension=1024,
                encoding_format=body.get("encoding_format") or "float",
            )
        )


class FakeVLLMOmniServer(FakeServer):
    name = "vllm-omni"

    def __init__(self, *, model: str = "Tongyi-MAI/Z-Image-Turbo"):
        super().__init__()
        self.model = model

    def outage_response(self, status: int) -> ScriptedResponse:
        return ScriptedResponse(status=status, json={"detail": "Diffusion engine not initialized."})

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "GET" and request.path == MODELS:
            return ScriptedResponse(json=model_list([self.model], owned_by="vllm-omni"))
        if request.method == "POST" and request.path == IMAGES:
            return self._images(body)
        return ScriptedResponse(status=404, json={"detail": "Not Found"})

    def _images(self, body: dict) -> ScriptedResponse:
        if not body.get("prompt"):
            return ScriptedResponse(
                status=422,
                json={"detail": [{"loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"}]},
            )
        if body.get("model") not in (None, self.model):
            return ScriptedResponse(
                status=400,
                json={"detail": f"Model mismatch: server serves '{self.model}', request asked for '{body['model']}'."},
            )
        if body.get("response_format", "b64_json") != "b64_json":
            return ScriptedResponse(status=400, json={"detail": "Only 'b64_json' response format is supported."})
        size = parse_size(body.get("size"))
        if size is None:
            return ScriptedResponse(
                status=400,
                json={"detail": f"Invalid size format: '{body.get('size')}'. Expected format: 'WIDTHxHEIGHT'."},
            )
        picture = painted_png(body["prompt"], body.get("seed"), (min(size[0], 64), min(size[1], 64)))
        return ScriptedResponse(
            json={
                "created": int(time.time()),
                "data": [{"b64_json": base64.b64encode(picture).decode("ascii"), "url": None, "revised_prompt": None}],
            }
        )
