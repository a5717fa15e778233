"""The offline, deterministic provider backend (the default when no API key is set).

Everything here runs on the CPU in a few tens of milliseconds and depends only on the
input bytes, text and seed, so chains replay identically in tests and demos while
still drifting the way the real game does.
"""

from __future__ import annotations

from ..base import ModerationResult, ProviderSet
from ..endpoints import OFFLINE
from .captioner import MODEL_NAME as CAPTION_MODEL
from .captioner import LocalCaptioner
from .embedder import DIMENSION, LocalEmbedder
from .embedder import MODEL_NAME as EMBEDDING_MODEL
from .painter import MODEL_NAME as IMAGE_MODEL
from .painter import LocalPainter

MODERATION_MODEL = "local-moderation-v1"
# A chain's provider settings may ask the painter to take this many seconds per picture:
# demo chains do, so that a newcomer can watch them grow instead of finding them done.
# It belongs to the image role, so it is stored under that role's prefix.
PACE_KEY = "image_pace_seconds"


class PassThroughModerator:
    """Offline content is generated from our own vocabulary; nothing to flag."""

    def moderate(self, *, text: str = "", image: bytes | None = None) -> ModerationResult:
        return ModerationResult(flagged=False, categories=(), model=MODERATION_MODEL)


ROLES = ("caption", "image", "embedding", "moderation")
IN_PROCESS = "in-process"
MODEL_FOR_ROLE = {
    "caption": CAPTION_MODEL,
    "image": IMAGE_MODEL,
    "embedding": EMBEDDING_MODEL,
    "moderation": MODERATION_MODEL,
}


def role_config(role: str) -> dict:
    """Nothing here can be configured; the snapshot records which offline models ran."""
    config = {"model": MODEL_FOR_ROLE[role], "server": IN_PROCESS, "endpoint": OFFLINE}
    if role == "embedding":
        config["dimension"] = DIMENSION
    return config


def build_role(role: str, config: dict):
    """The registry's entry point: one offline role at a time."""
    if role == "image":
        return LocalPainter(pace_seconds=float(config.get("pace_seconds") or 0.0))
    factories = {"caption": LocalCaptioner, "embedding": LocalEmbedder, "moderation": PassThroughModerator}
    return factories[role]()


def build(snapshot: dict | None = None) -> ProviderSet:
    """All four offline roles at once, for callers that want the whole set directly."""
    pace = (snapshot or {}).get(PACE_KEY)
    roles = {
        role: build_role(role, {**role_config(role), **({"pace_seconds": pace} if pace else {})}) for role in ROLES
    }
    return ProviderSet(
        name="local",
        captioner=roles["caption"],
        painter=roles["image"],
        embedder=roles["embedding"],
        moderator=roles["moderation"],
        snapshot={
            f"{role}_{key}": value for role in ROLES for key, value in {"backend": "local", **role_config(role)}.items()
        },
    )


__all__ = [
    "PACE_KEY",
    "LocalCaptioner",
    "LocalEmbedder",
    "LocalPainter",
    "PassThroughModerator",
    "build",
    "build_role",
    "role_config",
]
