"""A fake Ollama server's OpenAI-compatible API (`/v1`), as `middleware/openai.go` answers.

- chat: images only as base64 data URLs of jpeg, jpg, png or webp (anything else is
  400 "invalid image input"); `max_tokens` becomes `num_predict`; a missing
  temperature defaults to 1.0. Quirk: `max_completion_tokens` is not a field it
  reads, so it is silently ignored;
- a model that was not pulled: 404 {"error": {"message": "model \\"x\\" not found, try
  pulling it first", "type": "not_found_error", ...}};
- embeddings only from embedding models (a chat model: 400 "this model does not
  support embeddings");
- there is no image route (nor moderation): every unknown path is Gin's plain-text
  `404 page not found`, not JSON;
- the API key is not checked; `GET /v1/models` and `GET /api/tags` list pulled models.
"""

from __future__ import annotations

from .compat import DEFAULT_CAPTION, chat_completion_json, embedding_list, model_list, plain, user_parts, words
from .harness import FakeServer, RecordedRequest, ScriptedResponse

CHAT = "/v1/chat/completions"
EMBEDDINGS = "/v1/embeddings"
MODELS = "/v1/models"
IMAGE_PREFIXES = tuple(f"data:image/{kind};base64," for kind in ("jpeg", "jpg", "png", "webp"))
VISION_MODEL = "qwen2.5vl:7b"
EMBEDDING_MODEL = "nomic-embed-text:latest"


def ollama_error(status: int, message: str) -> ScriptedResponse:
    kind = {400: "invalid_request_error", 404: "not_found_error"}.get(status, "api_error")
    return ScriptedResponse(
        status=status, json={"error": {"message": message, "type": kind, "param": None, "code": None}}
    )


class FakeOllamaServer(FakeServer):
    name = "ollama"

    def __init__(self, *, models=(VISION_MODEL, EMBEDDING_MODEL), embedding_models=(EMBEDDING_MODEL,)):
        super().__init__()
        self.models = list(models)
        self.embedding_models = set(embedding_models)
        self.caption = DEFAULT_CAPTION
        self.embedding_dimension = 768

    def outage_response(self, status: int) -> ScriptedResponse:
        return ollama_error(status, "an error was encountered while running the model: unexpected EOF")

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "GET" and request.path == MODELS:
            return ScriptedResponse(json=model_list(self.models, owned_by="library"))
        if request.method == "GET" and request.path == "/api/tags":
            return ScriptedResponse(json={"models": [{"name": name, "model": name} for name in self.models]})
        if request.method == "POST" and request.path == CHAT:
            return self._chat(body)
        if request.method == "POST" and request.path == EMBEDDINGS:
            return self._embeddings(body)
        return plain(404, "404 page not found")

    def _missing(self, model: str) -> ScriptedResponse | None:
        if model in self.models:
            return None
        return ollama_error(404, f'model "{model}" not found, try pulling it first')

    def _chat(self, body: dict) -> ScriptedResponse:
        if not body.get("messages"):
            return ollama_error(400, "[] is too short - 'messages'")
        text, images = user_parts(body)
        if any(not url.startswith(IMAGE_PREFIXES) for url in images):
            return ollama_error(400, "invalid image input")
        missing = self._missing(body.get("model", ""))
        if missing is not None:
            return missing
        num_predict = body.get("max_tokens")  # max_completion_tokens: not a field Ollama reads
        caption = self.caption
        finish = "stop"
        if num_predict is not None and words(caption) > num_predict:
            caption, finish = " ".join(caption.split()[:num_predict]), "length"
        answer = chat_completion_json(
            caption,
            model=body["model"],
            number=self.next_id(),
            finish_reason=finish,
            prompt_tokens=words(text) + 576 * len(images),
            completion_tokens=min(words(self.caption), num_predict or 10**6),
            system_fingerprint="fp_ollama",
        )
        answer["id"] = f"chatcmpl-{self.next_id() % 999}"
        del answer["choices"][0]["message"]["refusal"]
        return ScriptedResponse(json=answer)

    def _embeddings(self, body: dict) -> ScriptedResponse:
        missing = self._missing(body.get("model", ""))
        if missing is not None:
            return missing
        if body["model"] not in self.embedding_models:
            return ollama_error(400, "this model does not support embeddings")
        if body.get("input") in (None, []):
            return ollama_error(400, "invalid input")
        return ScriptedResponse(
            json=embedding_list(
                body["input"],
                model=body["model"],
                dimension=self.embedding_dimension,
                encoding_format=body.get("encoding_format") or "float",
            )
        )
