"""TELEPHONE_MODERATOR=none: screening turned off on purpose, and said so everywhere.

The only way to publish what no moderator looked at. It is a backend of its own so
the choice is recorded in each chain's snapshot (`moderation_backend: none`) and the
admin, the health page and `manage.py check` can all say that nothing is screened.
"""

from __future__ import annotations

from .base import ModerationResult
from .endpoints import OFFLINE

ROLES = ("moderation",)
MODEL = "none"
SCREENING_OFF = "Screening is off (TELEPHONE_MODERATOR=none): captions, pictures and uploads are not screened."


class NoScreening:
    """Answers "not flagged" without looking; `screens` tells callers it did not look."""

    screens = False

    def moderate(self, *, text: str = "", image: bytes | None = None) -> ModerationResult:
        return ModerationResult(flagged=False, categories=(), model=MODEL)


def role_config(role: str) -> dict:
    return {"model": MODEL, "server": "", "endpoint": OFFLINE}


def build_role(role: str, config: dict) -> NoScreening:
    return NoScreening()
