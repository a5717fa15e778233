"""The captioner knows the painter's favourite pictures by sight.

A real captioner has seen thousands of lighthouses at dusk: shown the painter's
canonical lighthouse, it says "lighthouse" every time, in the same words, and the
painter paints the same lighthouse back. That recognition is what makes an attractor a
stable fixed point instead of a place a chain passes through. Offline, the captioner
keeps a few prototypes of each favourite (painted by the painter itself, with its full
taste, at a small size and cached per process) and compares a coarse grid of colours
with them. Only a close match counts: a photo or an ordinary painting is read as usual.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np

from .account import Account
from .analysis import read_image
from .colour_space import nearest_colour_indices, rgb_to_lab
from .image_reading import read_thumbnail
from .motifs import MOTIFS
from .seeing import ZoneSighting
from .vocabulary import COLOUR_NAMES

PROTOTYPE_SEEDS = range(8)
PROTOTYPE_SIDE = 192
CELLS = 12
# Mean absolute RGB difference (0..1) over a 12x12 grid to the nearest prototype: a
# canonical painting of a favourite lies within 0.032 of one, a painting that merely
# follows the favourite's caption 0.045-0.075, another favourite 0.09 and more, the
# demo photos 0.13 and more.
MATCH_DISTANCE = 0.04
HORIZON = 0.6


def grid(rgb: np.ndarray) -> np.ndarray:
    """The thumbnail as CELLS x CELLS mean colours: layout and palette, no detail."""
    side = rgb.shape[0] // CELLS * CELLS
    cell = side // CELLS
    return rgb[:side, :side].reshape(CELLS, cell, CELLS, cell, 3).mean(axis=(1, 3))


@lru_cache(maxsize=1)
def prototypes() -> tuple[tuple[str, ...], np.ndarray]:
    """(favourite per row, grids): each favourite painted with a few seeds."""
    from .composition import SINKS
    from .painter import paint_image

    names, grids = [], []
    for name in sorted(SINKS):
        for seed in PROTOTYPE_SEEDS:
            names.append(name)
            grids.append(
                grid(read_thumbnail(_painted(paint_image(f"A {name}.", seed, size=PROTOTYPE_SIDE, step_index=0))))
            )
    return tuple(names), np.stack(grids)


def _painted(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def recognise(rgb: np.ndarray) -> str | None:
    """The favourite this thumbnail is a copy of, or None."""
    names, grids = prototypes()
    distances = np.abs(grids - grid(rgb)).mean(axis=(1, 2, 3))
    best = int(np.argmin(distances))
    return names[best] if distances[best] < MATCH_DISTANCE else None


@lru_cache(maxsize=8)
def canonical_account(name: str) -> Account:
    """The favourite as the painter paints it, put the way a person names it: its own
    colours, setting and hour (`composition.SINKS`), large and centred. Every copy is
    described from this account, so the words never vary with a copy's small
    differences (a stripe a shade darker, the horizon a little lower)."""
    from .composition import SINKS, SKIES, ZONE_COLOURS
    from .painter import paint_image

    time, zones = SINKS[name]
    motif = MOTIFS[name]
    sky = ZoneSighting("sky", colour_name(SKIES[time][0]), "top", 0.5, 0.0, HORIZON)
    seen = [sky]
    for zone in zones:
        top, bottom = (HORIZON, 1.0) if zone.place == "bottom" else (HORIZON - 0.1, HORIZON)
        seen.append(ZoneSighting(zone.material, colour_name(ZONE_COLOURS[zone.material]), zone.place, 0.3, top, bottom))
    ground = next((zone for zone in seen if zone.place == "bottom"), None)
    reading = read_image(read_thumbnail(_painted(paint_image(f"A {name}.", 0, size=PROTOTYPE_SIDE, step_index=0))))
    return Account(
        noun=name,
        colour=motif.colour,
        second=motif.accent,
        size="large",
        place="centre",
        zones=seen,
        sky=sky,
        ground=ground,
        backdrop=None,
        time=time,
        light_side=None,
        horizon=HORIZON,
        stars=0,
        lettering=None,
        palette=[swatch.name for swatch in reading.palette[:4]],
        brightness=reading.brightness,
        contrast=reading.contrast,
        saturation=reading.saturation,
        symmetry=1.0,
        empty=False,
    )


def colour_name(rgb: tuple[int, int, int]) -> str:
    lab = rgb_to_lab(np.asarray(rgb, dtype=np.float32) / 255.0)
    return COLOUR_NAMES[int(nearest_colour_indices(lab[None, :])[0])]
