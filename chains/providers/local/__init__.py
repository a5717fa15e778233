"""The offline, deterministic provider backend (the default when no API key is set).

Everything here runs on the CPU in a few tens of milliseconds and depends only on the
input bytes, text and seed, so chains replay identically in tests and demos while
still drifting the way the real game does.
"""

from __future__ import annotations

from ..base import ModerationResult, ProviderSet
from .captioner import MODEL_NAME as CAPTION_MODEL, LocalCaptioner
from .embedder import DIMENSION, MODEL_NAME as EMBEDDING_MODEL, LocalEmbedder
from .painter import MODEL_NAME as IMAGE_MODEL, LocalPainter

MODERATION_MODEL = "local-moderation-v1"


class PassThroughModerator:
    """Offline content is generated from our own vocabulary; nothing to flag."""

    def moderate(self, *, text: str = "", image: bytes | None = None) -> ModerationResult:
        return ModerationResult(flagged=False, categories=(), model=MODERATION_MODEL)


def build(snapshot: dict) -> ProviderSet:
    """The registry's entry point; the snapshot carries nothing this backend can vary."""
    return ProviderSet(
        name="local",
        captioner=LocalCaptioner(),
        painter=LocalPainter(),
        embedder=LocalEmbedder(),
        moderator=PassThroughModerator(),
        snapshot={
            "backend": "local",
            "caption_model": CAPTION_MODEL,
            "image_model": IMAGE_MODEL,
            "embedding_model": EMBEDDING_MODEL,
            "embedding_dimension": DIMENSION,
        },
    )


__all__ = ["LocalCaptioner", "LocalEmbedder", "LocalPainter", "PassThroughModerator", "build"]
