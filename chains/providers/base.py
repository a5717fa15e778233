"""The contracts every provider backend fulfils.

The engine only ever talks to these small Protocols, so a backend (OpenAI, the
offline procedural one, a benchmark stand-in) can be swapped by settings without
the loop knowing. Results are plain frozen dataclasses: they cross from provider
code into the database layer and must not carry client objects with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, Sequence

import numpy as np


class ProviderError(Exception):
    """The one error a backend raises.

    `permanent` decides the fate of the step: a permanent error (bad request,
    auth, content policy) fails the chain with `message` shown to people, while a
    transient one (rate limit, 5xx, timeout, connection) is retried with backoff.
    `retry_after` carries a server's own hint (seconds) when it gave one.
    `kind` names the failure for the public voice (`chains.failures`): people see
    one fixed sentence per kind, never `message`, which may quote a server.
    """

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None, kind: str = ""):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.kind = kind or ("refused" if permanent else "unreachable")


@dataclass(frozen=True)
class CaptionRequest:
    """Everything a captioner may use; `instructions` is the full prompt text."""

    image: bytes
    instructions: str
    detail: str = "very"
    mode: str = "telephone"
    theme: str = ""
    step_index: int = 0
    seed: int = 0


@dataclass(frozen=True)
class Billing:
    """What every answer carries for the books: the server's own usage block as it was
    reported, the cost worked out from it (chains.costs) and where that price came from.
    """

    usage: dict = field(default_factory=dict)
    cost: Decimal = Decimal("0")
    price_source: str = ""
    estimated: bool = False


@dataclass(frozen=True)
class CaptionResult(Billing):
    text: str = ""
    model: str = ""
    request_id: str = ""
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class PaintRequest:
    prompt: str
    seed: int = 0
    step_index: int = 0


@dataclass(frozen=True)
class PaintResult(Billing):
    """`image` is encoded image bytes (any format Pillow reads).

    A painter whose server answers with a link leaves `image` empty and sets `url`;
    it then offers `fetch(url) -> bytes`, which the engine calls after recording
    the link, so a failed download is retried without paying for a new picture.
    """

    image: bytes = b""
    model: str = ""
    url: str = ""
    revised_prompt: str = ""
    request_id: str = ""
    params: dict = field(default_factory=dict)
    images_generated: int = 1


@dataclass(frozen=True)
class EmbedResult(Billing):
    """`vectors` is a float32 array of shape (len(texts), dimension)."""

    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    model: str = ""
    request_id: str = ""
    tokens: int = 0

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])


@dataclass(frozen=True)
class ModerationResult:
    flagged: bool
    categories: tuple[str, ...] = ()
    model: str = ""
    request_id: str = ""


class Captioner(Protocol):
    def caption(self, request: CaptionRequest) -> CaptionResult: ...


class Painter(Protocol):
    """`prompt_limit` (characters, or None) is what the engine shortens prompts to."""

    prompt_limit: int | None

    def paint(self, request: PaintRequest) -> PaintResult: ...


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> EmbedResult: ...


class Moderator(Protocol):
    def moderate(self, *, text: str = "", image: bytes | None = None) -> ModerationResult: ...


@dataclass(frozen=True)
class ProviderSet:
    """The four roles a backend fills, plus the settings snapshot kept on a chain."""

    name: str
    captioner: Captioner
    painter: Painter
    embedder: Embedder
    moderator: Moderator
    snapshot: dict = field(default_factory=dict)
