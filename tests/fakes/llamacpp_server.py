"""A fake llama.cpp `llama-server` (OpenAI-compatible routes plus /health).

- one model, whatever name a request gives; `GET /v1/models` names it by its alias;
- errors are {"error": {"code", "message", "type"}};
- images need the multimodal projector (`--mmproj`): without it, 500 "image input is
  not supported - hint: if this is unexpected, you may need to provide the mmproj";
- embeddings need `--embeddings`: without it, 501 not_supported_error.
"""

from __future__ import annotations

from .compat import DEFAULT_CAPTION, chat_completion_json, embedding_list, model_list, user_parts, words
from .harness import FakeServer, RecordedRequest, ScriptedResponse

CHAT = "/v1/chat/completions"
EMBEDDINGS = "/v1/embeddings"
MODELS = "/v1/models"


def llamacpp_error(status: int, message: str, kind: str) -> ScriptedResponse:
    return ScriptedResponse(status=status, json={"error": {"code": status, "message": message, "type": kind}})


class FakeLlamaCppServer(FakeServer):
    name = "llama.cpp"

    def __init__(self, *, alias: str = "gemma-3-4b-it-Q4_K_M.gguf", mmproj: bool = True, embeddings: bool = False):
        super().__init__()
        self.alias = alias
        self.mmproj = mmproj
        self.embeddings = embeddings
        self.caption = DEFAULT_CAPTION

    def outage_response(self, status: int) -> ScriptedResponse:
        return llamacpp_error(status, "Loading model", "unavailable_error")

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "GET" and request.path == "/health":
            return ScriptedResponse(json={"status": "ok"})
        if request.method == "GET" and request.path == MODELS:
            return ScriptedResponse(json=model_list([self.alias], owned_by="llamacpp"))
        if request.method == "POST" and request.path == CHAT:
            return self._chat(body)
        if request.method == "POST" and request.path == EMBEDDINGS:
            if not self.embeddings:
                return llamacpp_error(
                    501, "This server does not support embeddings. Start it with `--embeddings`", "not_supported_error"
                )
            return ScriptedResponse(json=embedding_list(body.get("input", []), model=self.alias, dimension=2560))
        return llamacpp_error(404, "File Not Found", "not_found_error")

    def _chat(self, body: dict) -> ScriptedResponse:
        text, images = user_parts(body)
        if images and not self.mmproj:
            return llamacpp_error(
                500,
                "image input is not supported - hint: if this is unexpected, you may need to provide the mmproj",
                "server_error",
            )
        answer = chat_completion_json(
            self.caption,
            model=self.alias,
            number=self.next_id(),
            prompt_tokens=words(text) + 256 * len(images),
            completion_tokens=words(self.caption),
            system_fingerprint="b6000-fake",
        )
        return ScriptedResponse(json=answer)
