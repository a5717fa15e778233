"""A fake LocalAI server's image route, as `core/http/endpoints/openai/image.go` answers.

- `POST /v1/images/generations` answers {"id", "created", "data": [...]} with a
  `url` under /generated-images/ by default, and `b64_json` only when the request asks
  `response_format: "b64_json"`; the size must be WIDTHxHEIGHT;
- the `seed` extension is honoured; an unknown model fails with LocalAI's
  {"error": {"code": 500, "message": ..., "type": ""}};
- `GET /generated-images/<file>` serves what it made; `GET /v1/models` lists models.
"""

from __future__ import annotations

import base64
import time
import uuid

from .compat import model_list, painted_png, parse_size
from .harness import FakeServer, RecordedRequest, ScriptedResponse

IMAGES = "/v1/images/generations"
GENERATED = "/generated-images/"
MODELS = "/v1/models"


def localai_error(status: int, message: str) -> ScriptedResponse:
    return ScriptedResponse(status=status, json={"error": {"code": status, "message": message, "type": ""}})


class FakeLocalAIServer(FakeServer):
    name = "localai"

    def __init__(self, *, models=("stablediffusion", "sd-3.5-medium-ggml")):
        super().__init__()
        self.models = list(models)
        self.files: dict[str, bytes] = {}

    def outage_response(self, status: int) -> ScriptedResponse:
        return localai_error(status, "rpc error: code = Unavailable desc = connection refused")

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "GET" and request.path == MODELS:
            return ScriptedResponse(json=model_list(self.models, owned_by=""))
        if request.method == "GET" and request.path.startswith(GENERATED):
            content = self.files.get(request.path[len(GENERATED) :])
            if content is None:
                return ScriptedResponse(
                    status=404, body=b"Cannot GET " + request.path.encode(), content_type="text/plain"
                )
            return ScriptedResponse(body=content, content_type="image/png")
        if request.method == "POST" and request.path == IMAGES:
            return self._images(body)
        return localai_error(404, f"Cannot {request.method} {request.path}")

    def _images(self, body: dict) -> ScriptedResponse:
        model = body.get("model") or "stablediffusion"
        if model not in self.models:
            return localai_error(500, f"could not load model: rpc error: code = Unknown desc = {model} not found")
        size = parse_size(body.get("size"), default=(512, 512))
        if size is None:
            return localai_error(500, "invalid value for 'size'")
        picture = painted_png(
            str(body.get("prompt", "")).split("|")[0], body.get("seed"), (min(size[0], 64), min(size[1], 64))
        )
        item: dict = {}
        if body.get("response_format") == "b64_json":
            item["b64_json"] = base64.b64encode(picture).decode("ascii")
        else:
            name = f"b64{uuid.uuid4().hex[:10]}.png"
            self.files[name] = picture
            item["url"] = f"{self.url}{GENERATED}{name}"
        return ScriptedResponse(json={"id": str(uuid.uuid4()), "created": int(time.time()), "data": [item]})
