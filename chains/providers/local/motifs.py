"""Every motif the painter can draw, by name (100 of them, each with seeded variants)."""

from __future__ import annotations

from .motifs_built import BUILT_MOTIFS
from .motifs_life import LIFE_MOTIFS
from .motifs_nature import NATURE_MOTIFS
from .motifs_pattern import PATTERN_MOTIFS
from .motifs_sky import SKY_MOTIFS
from .motifs_things import THING_MOTIFS
from .pen import Motif

MOTIFS: dict[str, Motif] = {
    **SKY_MOTIFS,
    **NATURE_MOTIFS,
    **BUILT_MOTIFS,
    **THING_MOTIFS,
    **LIFE_MOTIFS,
    **PATTERN_MOTIFS,
}
