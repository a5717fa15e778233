"""What the engine knows about each model: family, parameters, limits, prices, shutdown.

One place, so the request builder, the cost estimates, the system checks and the
`providers_check` doctor agree. Facts come from the pinned openai SDK's docstrings
(`openai/types/image_model.py`, `image_generate_params.py`, `shared/chat_model.py`)
and from published price lists; each price names its source and the date it was
read (`catalogue_data.py`). Nothing here touches Django or the network.

Model ids are matched after resolution: a gateway prefix (`openai/gpt-5.4-mini`) is
dropped, and a dated snapshot (`gpt-5.4-mini-2026-03-17`) falls back to its base
model when the catalogue has no entry of its own for that snapshot. Anything else is
unknown and gets conservative parameters, so a self-hosted model works untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping

# Families decide how a request is built.
GPT_IMAGE = "gpt-image"
LEGACY_IMAGE = "legacy-image"
REASONING_CHAT = "reasoning-chat"
CHAT = "chat"
EMBEDDING = "embedding"
MODERATION = "moderation"
UNKNOWN = "unknown"

IMAGE_FAMILIES = (GPT_IMAGE, LEGACY_IMAGE)
CHAT_FAMILIES = (REASONING_CHAT, CHAT)

# Token parameter names for chat completions.
MAX_TOKENS = "max_tokens"
MAX_COMPLETION_TOKENS = "max_completion_tokens"
TOKEN_PARAMS = (MAX_TOKENS, MAX_COMPLETION_TOKENS)

SNAPSHOT_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")
SIZE_PATTERN = re.compile(r"^(\d{2,5})x(\d{2,5})$")


@dataclass(frozen=True)
class TokenPrices:
    """USD per million tokens; image tokens only apply to GPT image models."""

    text_input: Decimal = Decimal("0")
    text_output: Decimal = Decimal("0")
    image_input: Decimal = Decimal("0")
    image_output: Decimal = Decimal("0")


@dataclass(frozen=True)
class Prices:
    """A model's price list and where it was read.

    `per_image` is keyed "quality size" (legacy models priced per picture);
    `typical_output_tokens` (quality -> tokens at 1024x1024) only serves budget
    estimates before a call, never the recorded cost, which uses reported usage.
    """

    source: str
    as_of: date
    tokens: TokenPrices | None = None
    per_image: Mapping[str, Decimal] = field(default_factory=dict)
    typical_output_tokens: Mapping[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.source}, {self.as_of.isoformat()}"

    @property
    def short_label(self) -> str:
        """The source without its address, for a page where space is short."""
        return f"{self.source.split(' (', 1)[0]}, {self.as_of.isoformat()}"


@dataclass(frozen=True)
class Shutdown:
    on: date
    replacement: str


@dataclass(frozen=True)
class SizeRule:
    """Which `WIDTHxHEIGHT` strings a model draws.

    Either a fixed list, or (GPT image 2 and 2.5) any size whose sides are multiples
    of 16, within an aspect ratio and a pixel budget, as the SDK documents.
    """

    fixed: tuple[str, ...] = ()
    flexible: bool = False
    multiple_of: int = 16
    max_ratio: int = 3
    max_edge: int = 3840
    max_pixels: int = 3840 * 2160

    def accepts(self, size: str) -> bool:
        if size in self.fixed:
            return True
        if not self.flexible:
            return False
        match = SIZE_PATTERN.match(size)
        if not match:
            return False
        width, height = int(match.group(1)), int(match.group(2))
        return (
            width % self.multiple_of == 0
            and height % self.multiple_of == 0
            and max(width, height) <= self.max_edge
            and width * height <= self.max_pixels
            and max(width, height) <= self.max_ratio * min(width, height)
        )

    def describe(self) -> str:
        listed = ", ".join(self.fixed)
        if not self.flexible:
            return listed
        return (
            f"{listed}, or any WIDTHxHEIGHT with both sides multiples of {self.multiple_of}, "
            f"an aspect ratio within 1:{self.max_ratio} and 3:1, and at most {self.max_edge} px "
            f"a side and {self.max_pixels:,} pixels"
        )


@dataclass(frozen=True)
class ModelSpec:
    """Everything the engine needs to call one model and to account for it.

    `params` maps each optional request parameter the model accepts to its allowed
    values (an empty tuple: any value); a parameter missing from it is refused.
    """

    id: str
    family: str
    params: Mapping[str, tuple] = field(default_factory=dict)
    sizes: SizeRule | None = None
    prompt_limit: int | None = None
    prices: Prices | None = None
    shutdown: Shutdown | None = None
    vision: bool = True
    token_param: str = MAX_TOKENS
    temperature: bool = True
    known: bool = True

    def accepts(self, param: str) -> bool:
        return param in self.params

    def allowed(self, param: str) -> tuple:
        return tuple(self.params.get(param, ()))

    def status_on(self, today: date) -> str:
        """ "current", "retiring" (shutdown announced, still served) or "retired"."""
        if self.shutdown is None:
            return "current"
        return "retired" if today >= self.shutdown.on else "retiring"


@dataclass(frozen=True)
class Resolution:
    """How a configured id was matched: the spec, and what was stripped to find it."""

    requested: str
    spec: ModelSpec
    via_prefix: str = ""
    via_snapshot: str = ""


def unknown_spec(model: str, role: str) -> ModelSpec:
    """Conservative parameters every OpenAI-compatible server takes for its role.

    A seed is offered to unknown image models: vLLM-Omni and LocalAI use it, and
    servers that do not know it ignore extra fields.
    """
    if role == "image":
        return ModelSpec(
            id=model,
            family=UNKNOWN,
            params={"size": (), "response_format": ("url", "b64_json"), "seed": ()},
            prompt_limit=UNKNOWN_PROMPT_LIMIT,
            known=False,
        )
    return ModelSpec(id=model, family=UNKNOWN, known=False)


# Painters we know nothing about still get a bound: 4,000 characters is what the
# strictest model any compatible server imitates (dall-e-3) accepted.
UNKNOWN_PROMPT_LIMIT = 4000


def resolve(model: str, *, role: str) -> Resolution:
    """The catalogue entry for a configured model id, or a conservative unknown one."""
    from .catalogue_data import MODELS

    requested = (model or "").strip()
    candidate, prefix = _strip_prefix(requested.lower(), MODELS)
    if candidate in MODELS:
        return Resolution(requested, MODELS[candidate], via_prefix=prefix)
    base = SNAPSHOT_SUFFIX.sub("", candidate)
    if base != candidate and base in MODELS:
        return Resolution(requested, MODELS[base], via_prefix=prefix, via_snapshot=candidate[len(base) + 1 :])
    return Resolution(requested, unknown_spec(requested, role))


def lookup(model: str, *, role: str) -> ModelSpec:
    return resolve(model, role=role).spec


def _strip_prefix(name: str, models: Mapping[str, ModelSpec]) -> tuple[str, str]:
    """`openai/gpt-5.4-mini` -> `gpt-5.4-mini`, only when what remains is a model we know."""
    if "/" not in name:
        return name, ""
    prefix, _, rest = name.rpartition("/")
    if rest in models or SNAPSHOT_SUFFIX.sub("", rest) in models:
        return rest, prefix
    return name, ""
