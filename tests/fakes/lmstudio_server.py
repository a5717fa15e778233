"""A fake LM Studio server (`lms server start`, OpenAI-compatible on /v1).

- errors are {"error": "<message>"}: a plain string, not OpenAI's object;
- with no model loaded: 404 {"error": "No models loaded. Please load a model in the
  developer page or use the `lms load` command."};
- quirk: with one model loaded it ignores the requested model name and answers with
  the loaded one, naming it in the answer's `model`;
- chat takes `max_tokens` (-1 for no limit); embeddings only from a loaded embedding model.
"""

from __future__ import annotations

from .compat import DEFAULT_CAPTION, chat_completion_json, embedding_list, model_list, user_parts, words
from .harness import FakeServer, RecordedRequest, ScriptedResponse

CHAT = "/v1/chat/completions"
EMBEDDINGS = "/v1/embeddings"
MODELS = "/v1/models"
NO_MODELS = "No models loaded. Please load a model in the developer page or use the `lms load` command."


def lmstudio_error(status: int, message: str) -> ScriptedResponse:
    return ScriptedResponse(status=status, json={"error": message})


class FakeLMStudioServer(FakeServer):
    name = "lmstudio"

    def __init__(self, *, loaded=("google/gemma-3-12b",), embedding_models=("text-embedding-nomic-embed-text-v1.5",)):
        super().__init__()
        self.loaded = list(loaded)
        self.embedding_models = list(embedding_models)
        self.caption = DEFAULT_CAPTION

    def outage_response(self, status: int) -> ScriptedResponse:
        return lmstudio_error(status, "Model has crashed without additional information.")

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "GET" and request.path == MODELS:
            listed = [*self.loaded, *self.embedding_models]
            return ScriptedResponse(json=model_list(listed, owned_by="organization_owner"))
        if request.method == "POST" and request.path == CHAT:
            return self._chat(body)
        if request.method == "POST" and request.path == EMBEDDINGS:
            return self._embeddings(body)
        return lmstudio_error(404, f"Unexpected endpoint or method. ({request.method} {request.path})")

    def _chat(self, body: dict) -> ScriptedResponse:
        if not self.loaded:
            return lmstudio_error(404, NO_MODELS)
        requested = body.get("model")
        answering = requested if requested in self.loaded or len(self.loaded) != 1 else self.loaded[0]
        if answering not in self.loaded:
            return lmstudio_error(404, f"Model '{requested}' not found. Load it first.")
        text, images = user_parts(body)
        answer = chat_completion_json(
            self.caption,
            model=answering,
            number=self.next_id(),
            prompt_tokens=words(text) + 256 * len(images),
            completion_tokens=words(self.caption),
            system_fingerprint=answering,
        )
        return ScriptedResponse(json=answer)

    def _embeddings(self, body: dict) -> ScriptedResponse:
        if body.get("model") not in self.embedding_models:
            return lmstudio_error(404, f"Model '{body.get('model')}' is not an embedding model or is not loaded.")
        return ScriptedResponse(json=embedding_list(body.get("input", []), model=body["model"], dimension=768))
