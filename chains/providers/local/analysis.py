"""Measuring a thumbnail: palette, regions, light, texture and balance.

The numbers here are the captioner's "eyesight". They are cheap on purpose (one pass
of numpy over 9,216 pixels) and coarse on purpose: a caption that names colours from
a quantised palette loses shade information every round trip, which is what makes the
telephone game drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .colour_space import hsv_saturation, label_pixels, luminance, named_lab_table, rgb_to_lab
from .vocabulary import COLOUR_NAMES

MIN_PALETTE_SHARE = 0.02
DISTINCT_DELTA_E = 30.0
MAX_PALETTE = 6

# Row/column slices of the five regions a caption talks about, as fractions of the side.
REGIONS = {
    "top": ((0.0, 0.33), (0.0, 1.0)),
    "bottom": ((0.67, 1.0), (0.0, 1.0)),
    "left": ((0.0, 1.0), (0.0, 0.33)),
    "right": ((0.0, 1.0), (0.67, 1.0)),
    "centre": ((0.3, 0.7), (0.3, 0.7)),
}


@dataclass(frozen=True)
class Swatch:
    """One named colour and the share of the area it covers."""

    name: str
    share: float
    index: int


@dataclass
class Reading:
    """Everything the captioner knows about a picture; `merged_labels` maps each pixel
    to its palette colour, `labels` to its own nearest name."""

    rgb: np.ndarray
    lab: np.ndarray
    labels: np.ndarray
    merged_labels: np.ndarray
    palette: list[Swatch]
    regions: dict[str, Swatch]
    brightness: float
    contrast: float
    saturation: float
    warmth: float
    edge_density: float
    symmetry: float


def read_image(rgb: np.ndarray) -> Reading:
    """All global measurements of one thumbnail."""
    lab = rgb_to_lab(rgb)
    labels = label_pixels(rgb)
    palette, absorbed = dominant_palette(labels)
    grey = luminance(rgb)
    edges = _edge_density(grey)
    return Reading(
        rgb=rgb,
        lab=lab,
        labels=labels,
        merged_labels=absorbed[labels],
        palette=palette,
        regions={name: _region_swatch(labels, bounds) for name, bounds in REGIONS.items()},
        brightness=float(grey.mean()),
        contrast=float(grey.std()),
        saturation=float(hsv_saturation(rgb).mean()),
        warmth=float(lab[..., 2].mean() + 0.5 * lab[..., 1].mean()),
        edge_density=edges,
        symmetry=_mirror_similarity(rgb),
    )


def dominant_palette(labels: np.ndarray) -> tuple[list[Swatch], np.ndarray]:
    """The few named colours that cover most of the picture, near-duplicates merged.

    Merging matters for gradients: a sky fading through five neighbouring blues should
    read as one blue, credited with the whole area, not as five slivers. The second
    value maps every vocabulary index to the palette colour that absorbed it, so shape
    finding can work on the merged (coarser, less fragmented) label map.
    """
    counts = np.bincount(labels.ravel(), minlength=len(COLOUR_NAMES)).astype(np.float64)
    total = counts.sum()
    table = named_lab_table()
    absorbed = np.arange(len(COLOUR_NAMES))
    chosen: list[int] = []
    shares: list[float] = []
    for index in np.argsort(-counts, kind="stable"):
        if counts[index] <= 0:
            break
        distances = np.linalg.norm(table[chosen] - table[index], axis=1) if chosen else None
        if distances is None or (distances.min() >= DISTINCT_DELTA_E and len(chosen) < MAX_PALETTE * 2):
            chosen.append(int(index))
            shares.append(counts[index] / total)
            continue
        nearest = int(np.argmin(distances))
        shares[nearest] += counts[index] / total
        absorbed[index] = chosen[nearest]
    ranked = sorted(zip(chosen, shares, strict=True), key=lambda pair: (-pair[1], pair[0]))
    swatches = [Swatch(COLOUR_NAMES[i], float(s), i) for i, s in ranked if s >= MIN_PALETTE_SHARE]
    if not swatches:
        swatches = [Swatch(COLOUR_NAMES[ranked[0][0]], float(ranked[0][1]), ranked[0][0])]
    return swatches[:MAX_PALETTE], absorbed


def _region_swatch(labels: np.ndarray, bounds) -> Swatch:
    """The most common name inside a region, with its share of that region."""
    height, width = labels.shape
    (top, bottom), (left, right) = bounds
    patch = labels[int(top * height) : int(bottom * height), int(left * width) : int(right * width)]
    counts = np.bincount(patch.ravel(), minlength=len(COLOUR_NAMES))
    index = int(counts.argmax())
    return Swatch(COLOUR_NAMES[index], float(counts[index] / max(patch.size, 1)), index)


def _edge_density(grey: np.ndarray) -> float:
    """Share of pixels sitting on a visible edge: smooth pictures score low, busy ones high."""
    across = np.abs(np.diff(grey, axis=1))[:-1, :]
    down = np.abs(np.diff(grey, axis=0))[:, :-1]
    return float((np.hypot(across, down) > 0.08).mean())


def _mirror_similarity(rgb: np.ndarray) -> float:
    """1.0 for a perfectly mirrored picture, falling towards 0 as halves disagree."""
    difference = np.abs(rgb - rgb[:, ::-1, :]).mean()
    return float(max(0.0, 1.0 - difference * 4.0))
