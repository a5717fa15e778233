"""The offline, deterministic provider backend (the default when no API key is set).

Everything here runs on the CPU in a few tens of milliseconds and depends only on the
input bytes, text and seed, so chains replay identically in tests and demos while
still drifting the way the real game does.
"""

from __future__ import annotations

from ..base import ModerationResult, ProviderSet
from .captioner import MODEL_NAME as CAPTION_MODEL
from .captioner import LocalCaptioner
from .embedder import DIMENSION, LocalEmbedder
from .embedder import MODEL_NAME as EMBEDDING_MODEL
from .painter import MODEL_NAME as IMAGE_MODEL
from .painter import LocalPainter

MODERATION_MODEL = "local-moderation-v1"
# A chain's provider settings may ask the painter to take this many seconds per picture:
# demo chains do, so that a newcomer can watch them grow instead of finding them done.
PACE_KEY = "pace_seconds"


class PassThroughModerator:
    """Offline content is generated from our own vocabulary; nothing to flag."""

    def moderate(self, *, text: str = "", image: bytes | None = None) -> ModerationResult:
        return ModerationResult(flagged=False, categories=(), model=MODERATION_MODEL)


def build(snapshot: dict) -> ProviderSet:
    """The registry's entry point; the only setting a snapshot can vary is the demo pace."""
    pace = float(snapshot.get(PACE_KEY) or 0.0)
    return ProviderSet(
        name="local",
        captioner=LocalCaptioner(),
        painter=LocalPainter(pace_seconds=pace),
        embedder=LocalEmbedder(),
        moderator=PassThroughModerator(),
        snapshot={
            "backend": "local",
            "caption_model": CAPTION_MODEL,
            "image_model": IMAGE_MODEL,
            "embedding_model": EMBEDDING_MODEL,
            "embedding_dimension": DIMENSION,
            **({PACE_KEY: pace} if pace else {}),
        },
    )


__all__ = ["PACE_KEY", "LocalCaptioner", "LocalEmbedder", "LocalPainter", "PassThroughModerator", "build"]
