"""The offline, deterministic provider backend (the default when no API key is set).

Everything here runs on the CPU in a few tens of milliseconds and depends only on the
input bytes, text and seed, so chains replay identically in tests and demos while
still drifting the way the real game does.
"""

from __future__ import annotations

from .. import role_config_from
from ..base import ModerationResult, ProviderSet
from ..endpoints import OFFLINE
from .captioner import MODEL_NAME as CAPTION_MODEL
from .captioner import LocalCaptioner
from .embedder import DIMENSION, LocalEmbedder
from .embedder import MODEL_NAME as EMBEDDING_MODEL
from .painter import MODEL_NAME as IMAGE_MODEL
from .painter import SIZE, LocalPainter

MODERATION_MODEL = "local-moderation-v1"
# A chain's provider settings may ask the painter to take this many seconds per picture:
# demo chains do, so that a newcomer can watch them grow instead of finding them done.
# It belongs to the image role, so it is stored under that role's prefix.
PACE_KEY = "image_pace_seconds"
# ... and may ask for smaller pictures, a side in pixels from SMALLEST_SIDE to SIZE: the
# engine's tests that run hundreds of steps through real workers do, as painting and
# re-encoding a full-size picture is most of a step's work. The game is the same at any
# side (the captioner reads a small thumbnail).
SIZE_KEY = "image_size"
SMALLEST_SIDE = 64


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
        return LocalPainter(
            pace_seconds=float(config.get("pace_seconds") or 0.0), size=picture_side(config.get("size"))
        )
    factories = {"caption": LocalCaptioner, "embedding": LocalEmbedder, "moderation": PassThroughModerator}
    return factories[role]()


def picture_side(asked) -> int:
    """The side a chain's settings ask for (SIZE_KEY), if it is a whole number of pixels the
    painter can paint; anything else (none, text, out of range) paints full size."""
    if isinstance(asked, int) and not isinstance(asked, bool) and SMALLEST_SIDE <= asked <= SIZE:
        return asked
    return SIZE


def build(snapshot: dict | None = None) -> ProviderSet:
    """All four offline roles at once, for callers that want the whole set directly."""
    stored = snapshot or {}
    roles = {role: build_role(role, {**role_config(role), **role_config_from(stored, role)}) for role in ROLES}
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
    "SIZE_KEY",
    "LocalCaptioner",
    "LocalEmbedder",
    "LocalPainter",
    "PassThroughModerator",
    "build",
    "build_role",
    "role_config",
]
