"""A fake of OpenAI's API on loopback, as it behaves on 2026-11-30, for driving the real client.

Tests talk to it through the genuine `openai` package over real sockets, so what is
checked is what would go over the wire: bodies, headers, timeouts, status codes.
What it enforces, as the API does:
- retired models (DALL·E 2 and 3, gpt-image-1) answer 404 `model_not_found`;
- GPT image models refuse `response_format` and `style` (400 `unknown_parameter`),
  take quality low|medium|high|auto and the sizes the SDK documents, always answer
  in base64 and report token `usage`;
- reasoning chat models refuse `max_tokens` and a temperature other than 1, and
  count reasoning tokens in `max_completion_tokens`: a bound spent on reasoning
  answers `finish_reason: "length"` with no text.
With `strict_models = False` it accepts any model name, the way a gateway does.
With `tag_images = True` every picture it makes spells its request's number in its
pixels (`read_tag`), so a test can tell which request made a stored picture even
after the engine re-encoded it; the request's `x-request-id` is `req_fake_<number>`.

    with FakeOpenAIServer() as server:
        server.enqueue(IMAGES, status=429, headers={"Retry-After": "1"})
        ...
        assert server.requests_to(IMAGES)[0].body["model"] == "gpt-image-2"
"""

from __future__ import annotations

import base64
import io
import time
import typing

from openai.types import ImageModel
from openai.types.shared import ChatModel
from PIL import Image

from .compat import (
    DEFAULT_CAPTION,
    chat_completion_json,
    decode_data_url,
    embedding_list,
    model_list,
    parse_size,
    user_parts,
    words,
)
from .compat import deterministic_vector as deterministic_vector  # re-exported for tests
from .harness import FakeServer, RecordedRequest, ScriptedResponse, make_png

CHAT = "/v1/chat/completions"
IMAGES = "/v1/images/generations"
EMBEDDINGS = "/v1/embeddings"
MODERATIONS = "/v1/moderations"
MODELS = "/v1/models"
FILES_PREFIX = "/files/"

DEFAULT_REVISED_PROMPT = "A vivid painting: {prompt}"
OUTAGE_MESSAGE = "The server is down."
EMBEDDING_DIMENSION = 8
MODERATION_CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
RETIRED_MODELS = frozenset(
    {
        "dall-e-2",
        "dall-e-3",
        "gpt-image-1",
        "o4-mini",
        "o3-mini",
        "o1",
        "gpt-4.1-nano",
        "gpt-4-turbo",
        "gpt-4",
        "gpt-3.5-turbo",
    }
)
EMBEDDING_MODELS = ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002")
MODERATION_MODELS = ("omni-moderation-latest", "omni-moderation-2024-09-26")
REASONING_PREFIXES = ("gpt-5", "gpt-6", "o1", "o3", "o4")
REASONING_EFFORT_TOKENS = {
    "none": 0,
    "minimal": 64,
    "low": 256,
    "medium": 512,
    "high": 2048,
    "xhigh": 4096,
    "max": 8192,
}
DEFAULT_REASONING_TOKENS = 512
GPT_IMAGE_QUALITIES = ("low", "medium", "high", "auto")
GPT_IMAGE_25_QUALITIES = GPT_IMAGE_QUALITIES + ("xhigh", "max")
STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
# Output image tokens per quality for a 1024x1024 picture; scaled by area for others.
IMAGE_OUTPUT_TOKENS = {"low": 272, "medium": 1056, "high": 4160, "xhigh": 6240, "max": 8320}
# Text input overhead the images endpoint adds to every prompt.
IMAGE_PROMPT_OVERHEAD = 6
IMAGE_TOKENS_PER_PICTURE_INPUT = 255
TAG_GRID = 4  # a 4×4 grid of black or white blocks: 16 bits of request number
TAG_BLOCK = 16


def tagged_png(number: int) -> bytes:
    """A picture whose blocks spell `number`, robust to lossy re-encoding and resizing."""
    size = TAG_GRID * TAG_BLOCK
    picture = Image.new("RGB", (size, size))
    for bit in range(TAG_GRID * TAG_GRID):
        shade = 255 if (number >> bit) & 1 else 0
        x, y = (bit % TAG_GRID) * TAG_BLOCK, (bit // TAG_GRID) * TAG_BLOCK
        picture.paste((shade, shade, shade), (x, y, x + TAG_BLOCK, y + TAG_BLOCK))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def read_tag(image: bytes) -> int:
    """The request number a `tagged_png` carries, read back from any re-encoding of it."""
    picture = Image.open(io.BytesIO(image)).convert("L")
    scale = picture.width / (TAG_GRID * TAG_BLOCK)
    number = 0
    for bit in range(TAG_GRID * TAG_GRID):
        x = int(((bit % TAG_GRID) + 0.5) * TAG_BLOCK * scale)
        y = int(((bit // TAG_GRID) + 0.5) * TAG_BLOCK * scale)
        if picture.getpixel((x, y)) > 128:
            number |= 1 << bit
    return number


def request_number(request_id: str) -> int:
    """`req_fake_12` → 12."""
    return int(request_id.rsplit("_", 1)[-1])


def error_body(
    message: str, *, type: str = "invalid_request_error", code: str | None = None, param: str | None = None
) -> dict:
    """The error envelope OpenAI uses, so the client parses it as it would for real."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def known_models() -> tuple[str, ...]:
    """What the API serves: the ids the pinned SDK lists, plus embeddings and moderation."""
    return (*typing.get_args(ImageModel), *typing.get_args(ChatModel), *EMBEDDING_MODELS, *MODERATION_MODELS)


def is_gpt_image(model: str) -> bool:
    return model.startswith(("gpt-image", "chatgpt-image"))


def is_reasoning(model: str) -> bool:
    return model.startswith(REASONING_PREFIXES) and "chat-latest" not in model


def _bad(message: str, *, code: str, param: str | None = None, status: int = 400) -> ScriptedResponse:
    return ScriptedResponse(status=status, json=error_body(message, code=code, param=param))


class FakeOpenAIServer(FakeServer):
    name = "openai"

    def __init__(self, *, image: bytes | None = None, strict_models: bool = True):
        super().__init__()
        self.image = image if image is not None else make_png()
        self.caption = DEFAULT_CAPTION
        self.image_format = "auto"  # "auto" follows response_format; or "url" / "b64_json"
        self.flagged: tuple[str, ...] = ()
        self.embedding_dimension = EMBEDDING_DIMENSION
        self.files: dict[str, bytes] = {}
        self.strict_models = strict_models
        self.retired_models = set(RETIRED_MODELS)
        self.reasoning_tokens: int | None = None  # None: by reasoning_effort
        self.api_key: str | None = None  # when set, other keys are refused like the API does
        self.tag_images = False
        self.numbered_captions = False  # True: every caption differs, so a test can tell them apart
        self.flag_only = ""

    def flag(self, *categories: str, only: str = "") -> None:
        """Flag what is moderated from now on; `only` "image" or "text" limits it to that input."""
        self.flagged = tuple(categories)
        self.flag_only = only

    def images_made(self) -> list[RecordedRequest]:
        """Image requests the server completed with a picture: each one is billed."""
        return self.completed(IMAGES)

    def outage_response(self, status: int) -> ScriptedResponse:
        return ScriptedResponse(status=status, json=error_body(OUTAGE_MESSAGE, type="server_error"))

    def extra_headers(self, request: RecordedRequest) -> dict:
        return {"x-request-id": f"req_fake_{request.number}", "openai-processing-ms": "12"}

    # --- routing ---

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "GET" and request.path.startswith(FILES_PREFIX):
            return self._file_answer(request.path)
        refused = self._refuse_key(request)
        if refused is not None:
            return refused
        handlers = {
            ("GET", MODELS): lambda: ScriptedResponse(json=model_list(known_models(), owned_by="openai")),
            ("POST", CHAT): lambda: self._chat(body),
            ("POST", IMAGES): lambda: self._images(body, request),
            ("POST", EMBEDDINGS): lambda: self._embeddings(body),
            ("POST", MODERATIONS): lambda: self._moderation(body),
        }
        handler = handlers.get((request.method, request.path))
        if handler is None:
            return _bad(f"Invalid URL ({request.method} {request.path})", code=None, status=404)
        missing = self._refuse_model(body.get("model", "")) if request.method == "POST" else None
        return missing if missing is not None else handler()

    def _refuse_key(self, request: RecordedRequest) -> ScriptedResponse | None:
        if self.api_key is None or request.headers.get("authorization") == f"Bearer {self.api_key}":
            return None
        return ScriptedResponse(
            status=401,
            json=error_body(
                "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            ),
        )

    def _refuse_model(self, model: str) -> ScriptedResponse | None:
        if model in self.retired_models or (self.strict_models and model not in known_models()):
            return _bad(
                f"The model `{model}` does not exist or you do not have access to it.",
                code="model_not_found",
                status=404,
            )
        return None

    # --- chat ---

    def _chat(self, body: dict) -> ScriptedResponse:
        model = body.get("model", "")
        text, images = user_parts(body)
        for url in images:
            if decode_data_url(url) is None:
                return _bad(
                    "Invalid image URL: expected a base64 data URL or an https URL.",
                    code="invalid_image_url",
                    param="messages",
                )
        if is_reasoning(model):
            refused = self._refuse_for_reasoning(body)
            if refused is not None:
                return refused
        bound = body.get("max_completion_tokens") or body.get("max_tokens")
        reasoning = self._reasoning_spent(body) if is_reasoning(model) else 0
        caption = f"{self.caption.strip()} Answer {self.next_id()}." if self.numbered_captions else self.caption
        content, finish, completion = self._written(caption, bound, reasoning)
        answer = chat_completion_json(
            content,
            model=model,
            number=self.next_id(),
            finish_reason=finish,
            prompt_tokens=words(text) + IMAGE_TOKENS_PER_PICTURE_INPUT * len(images),
            completion_tokens=completion,
        )
        answer["usage"]["completion_tokens_details"] = {"reasoning_tokens": min(reasoning, completion)}
        return ScriptedResponse(json=answer)

    @staticmethod
    def _refuse_for_reasoning(body: dict) -> ScriptedResponse | None:
        if "max_tokens" in body:
            return _bad(
                "Unsupported parameter: 'max_tokens' is not supported with this model. "
                "Use 'max_completion_tokens' instead.",
                code="unsupported_parameter",
                param="max_tokens",
            )
        temperature = body.get("temperature")
        if temperature is not None and temperature != 1:
            return _bad(
                f"Unsupported value: 'temperature' does not support {temperature} with this model. "
                "Only the default (1) value is supported.",
                code="unsupported_value",
                param="temperature",
            )
        return None

    def _reasoning_spent(self, body: dict) -> int:
        if self.reasoning_tokens is not None:
            return self.reasoning_tokens
        return REASONING_EFFORT_TOKENS.get(body.get("reasoning_effort"), DEFAULT_REASONING_TOKENS)

    @staticmethod
    def _written(caption: str, bound: int | None, reasoning: int) -> tuple[str, str, int]:
        """What a model writes under a token bound after spending `reasoning` tokens thinking."""
        needed = words(caption)
        if bound is None or reasoning + needed <= bound:
            return caption, "stop", reasoning + needed
        if bound <= reasoning:
            return "", "length", bound
        kept = " ".join(caption.split()[: bound - reasoning])
        return kept, "length", bound

    # --- images ---

    def _images(self, body: dict, request: RecordedRequest) -> ScriptedResponse:
        model = body.get("model", "")
        refused = self._refuse_gpt_image(body) if is_gpt_image(model) else self._refuse_legacy(body)
        if refused is not None:
            return refused
        prompt = str(body.get("prompt", ""))
        image = tagged_png(request.number) if self.tag_images else self.image
        wanted = (
            "b64_json"
            if is_gpt_image(model)
            else (self.image_format if self.image_format != "auto" else body.get("response_format", "url"))
        )
        picture: dict = {}
        if wanted == "url":
            name = f"img-{request.number}.png"
            self.files[name] = image
            picture["url"] = f"{self.url}{FILES_PREFIX}{name}"
        else:
            picture["b64_json"] = base64.b64encode(image).decode("ascii")
        answer: dict = {"created": int(time.time()), "data": [picture]}
        if model.startswith("dall-e-3"):
            picture["revised_prompt"] = DEFAULT_REVISED_PROMPT.format(prompt=prompt)
        if is_gpt_image(model):
            answer.update(self._gpt_image_fields(body, prompt))
        return ScriptedResponse(json=answer)

    @staticmethod
    def _refuse_gpt_image(body: dict) -> ScriptedResponse | None:
        for param in ("response_format", "style"):
            if param in body:
                return _bad(f"Unknown parameter: '{param}'.", code="unknown_parameter", param=param)
        qualities = GPT_IMAGE_25_QUALITIES if body["model"].startswith("gpt-image-2.5") else GPT_IMAGE_QUALITIES
        quality = body.get("quality", "auto")
        if quality not in qualities:
            return _bad(
                f"Invalid value: '{quality}'. Supported values are: " + ", ".join(f"'{q}'" for q in qualities) + ".",
                code="invalid_value",
                param="quality",
            )
        if not _gpt_size_ok(body["model"], body.get("size", "auto")):
            return _bad(
                f"Invalid value: '{body.get('size')}'. Supported values are: "
                + ", ".join(f"'{s}'" for s in STANDARD_SIZES)
                + ".",
                code="invalid_value",
                param="size",
            )
        if len(str(body.get("prompt", ""))) > 32000:
            return _bad(
                "Invalid 'prompt': string too long. Expected a string with maximum length 32000.",
                code="string_above_max_length",
                param="prompt",
            )
        return None

    @staticmethod
    def _refuse_legacy(body: dict) -> ScriptedResponse | None:
        limit = 4000 if body.get("model", "").startswith("dall-e-3") else 1000
        if len(str(body.get("prompt", ""))) > limit:
            return _bad(
                f"Invalid 'prompt': string too long. Expected a string with maximum length {limit}.",
                code="string_above_max_length",
                param="prompt",
            )
        return None

    @staticmethod
    def _gpt_image_fields(body: dict, prompt: str) -> dict:
        quality = body.get("quality", "auto")
        made = "high" if quality == "auto" else quality
        size = body.get("size", "auto")
        width, height = parse_size(size)
        output = round(IMAGE_OUTPUT_TOKENS[made] * width * height / (1024 * 1024))
        text_in = words(prompt) + IMAGE_PROMPT_OVERHEAD
        return {
            "background": "opaque",
            "output_format": body.get("output_format", "png"),
            "quality": made,
            "size": "1024x1024" if size == "auto" else size,
            "usage": {
                "input_tokens": text_in,
                "input_tokens_details": {"text_tokens": text_in, "image_tokens": 0},
                "output_tokens": output,
                "output_tokens_details": {"image_tokens": output, "text_tokens": 0},
                "total_tokens": text_in + output,
            },
        }

    # --- embeddings and moderation ---

    def _embeddings(self, body: dict) -> ScriptedResponse:
        return ScriptedResponse(
            json=embedding_list(
                body.get("input", []),
                model=body.get("model", ""),
                dimension=self.embedding_dimension,
                encoding_format=body.get("encoding_format", "float"),
            )
        )

    def _moderation(self, body: dict) -> ScriptedResponse:
        items = body.get("input") if isinstance(body.get("input"), list) else []
        kinds = {"image" if item.get("type") == "image_url" else "text" for item in items if isinstance(item, dict)}
        hit = bool(self.flagged) and (not self.flag_only or self.flag_only in (kinds or {"text"}))
        categories = {name: hit and name in self.flagged for name in MODERATION_CATEGORIES}
        return ScriptedResponse(
            json={
                "id": f"modr-fake-{self.next_id()}",
                "model": body.get("model", "fake-moderation"),
                "results": [
                    {
                        "flagged": hit,
                        "categories": categories,
                        "category_scores": {name: 0.9 if hit else 0.001 for name, hit in categories.items()},
                        "category_applied_input_types": {name: ["text"] for name in MODERATION_CATEGORIES},
                    }
                ],
            }
        )

    def _file_answer(self, path: str) -> ScriptedResponse:
        content = self.files.get(path[len(FILES_PREFIX) :])
        if content is None:
            return ScriptedResponse(status=404, body=b"not found", content_type="text/plain")
        return ScriptedResponse(body=content, content_type="image/png")


def _gpt_size_ok(model: str, size: str) -> bool:
    """Standard sizes for every GPT image model; flexible sizes for 2 and 2.5, as the SDK says."""
    if size in STANDARD_SIZES:
        return True
    if not model.startswith(("gpt-image-2-", "gpt-image-2.5")) and model != "gpt-image-2":
        return False
    parsed = parse_size(size)
    if parsed is None:
        return False
    width, height = parsed
    return (
        width % 16 == 0
        and height % 16 == 0
        and max(width, height) <= 3840
        and width * height <= 3840 * 2160
        and max(width, height) <= 3 * min(width, height)
    )


__all__ = [
    "CHAT",
    "DEFAULT_CAPTION",
    "DEFAULT_REVISED_PROMPT",
    "EMBEDDINGS",
    "EMBEDDING_DIMENSION",
    "FILES_PREFIX",
    "IMAGES",
    "MODELS",
    "MODERATIONS",
    "MODERATION_CATEGORIES",
    "OUTAGE_MESSAGE",
    "FakeOpenAIServer",
    "RecordedRequest",
    "chat_completion_json",
    "deterministic_vector",
    "error_body",
    "make_png",
    "read_tag",
    "request_number",
    "tagged_png",
]
