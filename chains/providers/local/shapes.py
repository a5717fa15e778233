"""Cheap shape finding on the labelled thumbnail: blobs, discs, towers, skylines, stars.

Only shapes the painter actually draws are worth finding, and only roughly: a painted
sun comes back as "a disc", which the captioner may call a sun, a planet or a clock.
That partial recognition is what lets motifs survive a few rounds and then mutate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .colour_space import luminance
from .vocabulary import COLOUR_NAMES

MIN_SHAPE_AREA = 10
MAX_SHAPE_SHARE = 0.22
MAX_SHAPES = 10
SKYLINE_JUMP = 18.0
SKYLINE_WINDOW = 4


@dataclass(frozen=True)
class Shape:
    """A connected patch of one named colour, with the geometry the captioner reasons on."""

    kind: str
    colour: str
    colour_index: int
    x: float
    y: float
    width: float
    height: float
    area: float
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Skyline:
    """Where the sky ends, measured column by column, and what the outline looks like."""

    kind: str
    height: float
    above_index: int
    below_index: int
    wavy_rows: int


def find_shapes(labels: np.ndarray) -> list[Shape]:
    """Connected single-colour patches that are neither specks nor backgrounds."""
    side_h, side_w = labels.shape
    total = labels.size
    counts = np.bincount(labels.ravel())
    shapes: list[Shape] = []
    for index in np.argsort(-counts)[:16]:
        if counts[index] < MIN_SHAPE_AREA:
            break
        components, found = ndimage.label(labels == index)
        if not found:
            continue
        areas = np.bincount(components.ravel())
        boxes = ndimage.find_objects(components)
        keep = np.flatnonzero((areas >= MIN_SHAPE_AREA) & (areas <= MAX_SHAPE_SHARE * total))
        for component in keep:
            if component == 0:
                continue
            rows, cols = boxes[component - 1]
            shape = _describe(components[rows, cols] == component, rows, cols, int(index), side_h, side_w)
            if shape is not None:
                shapes.append(shape)
    shapes.sort(key=lambda item: (-item.area, item.y, item.x))
    return shapes[:MAX_SHAPES]


def _describe(mask: np.ndarray, rows: slice, cols: slice, index: int, side_h: int, side_w: int) -> Shape | None:
    height, width = mask.shape
    if width > 0.7 * side_w or height < 3 or width < 3:
        return None
    area = int(mask.sum())
    fill = area / float(width * height)
    ys, xs = np.nonzero(mask)
    return Shape(
        kind=_classify(mask, fill, height / float(width)),
        colour=COLOUR_NAMES[index],
        colour_index=index,
        x=float((xs.mean() + cols.start) / side_w),
        y=float((ys.mean() + rows.start) / side_h),
        width=width / float(side_w),
        height=height / float(side_h),
        area=area / float(side_h * side_w),
        box=(rows.start, rows.stop, cols.start, cols.stop),
    )


def _classify(mask: np.ndarray, fill: float, aspect: float) -> str:
    """Disc, tower, block, triangle or blob, judged from fill ratio, corners and outline."""
    filled_corners = int(mask[0, 0]) + int(mask[0, -1]) + int(mask[-1, 0]) + int(mask[-1, -1])
    if filled_corners >= 3 and fill >= 0.8:
        if aspect >= 1.7:
            return "tall"
        return "wide" if aspect <= 0.45 else "block"
    if filled_corners == 0 and 0.6 <= fill <= 0.92 and 0.7 <= aspect <= 1.45:
        return "disc"
    quarter = max(1, mask.shape[0] // 4)
    top_width = mask[:quarter].sum(axis=1).mean()
    bottom_width = mask[-quarter:].sum(axis=1).mean()
    if 0.35 <= fill <= 0.66 and top_width < 0.5 * bottom_width:
        return "triangle"
    return "blob"


def count_stars(rgb: np.ndarray) -> int:
    """Small isolated bright points on a dark ground, the way a night sky looks when shrunk."""
    grey = luminance(rgb)
    if (grey < 0.3).mean() < 0.2:
        return 0
    surround = ndimage.uniform_filter(grey, size=7, mode="nearest")
    peaks = (grey >= ndimage.maximum_filter(grey, size=3, mode="nearest")) & (grey > surround + 0.2)
    return int((peaks & (surround < 0.3) & (grey > 0.45)).sum())


def find_skyline(lab: np.ndarray, labels: np.ndarray, hide: list[Shape]) -> Skyline | None:
    """The boundary where the upper colour field gives way to something else.

    Each column is scanned for the first sharp jump between the mean colour of the few
    rows above and the few rows below; small sky objects are painted over first so a
    sun does not pass for a mountain top.
    """
    lab = _without_shapes(lab, hide)
    side_h, side_w = labels.shape
    window = SKYLINE_WINDOW
    padded = np.concatenate([np.zeros((1, side_w, 3), np.float32), np.cumsum(lab, axis=0)], axis=0)
    rows = np.arange(int(side_h * 0.12), int(side_h * 0.92))
    above = (padded[rows] - padded[rows - window]) / window
    below = (padded[rows + window] - padded[rows]) / window
    strong = np.linalg.norm(below - above, axis=-1) > SKYLINE_JUMP
    found = strong.any(axis=0)
    if found.mean() < 0.75:
        return None
    profile = np.where(found, strong.argmax(axis=0) + rows[0], np.nan)
    profile = _fill_gaps(profile)
    profile = ndimage.median_filter(profile, size=3, mode="nearest")
    level = int(np.median(profile))
    below_rows = labels[min(level + 3, side_h - 1) :, :]
    above_rows = labels[: max(level - 3, 1), :]
    return Skyline(
        kind=_outline_kind(profile),
        height=float(level / side_h),
        above_index=int(np.bincount(above_rows.ravel()).argmax()),
        below_index=int(np.bincount(below_rows.ravel()).argmax()),
        wavy_rows=_ripple_count(lab[min(level + 3, side_h - 1) :]),
    )


def _without_shapes(lab: np.ndarray, hide: list[Shape]) -> np.ndarray:
    """Paint each hidden shape's box with the row just above it (or below, at the edge)."""
    if not hide:
        return lab
    lab = lab.copy()
    for shape in hide:
        top, bottom, left, right = shape.box
        source = top - 1 if top > 0 else min(bottom, lab.shape[0] - 1)
        lab[top:bottom, left:right] = lab[source, left:right][None, :, :]
    return lab


def _fill_gaps(profile: np.ndarray) -> np.ndarray:
    known = ~np.isnan(profile)
    positions = np.arange(profile.size)
    return np.interp(positions, positions[known], profile[known])


def _outline_kind(profile: np.ndarray) -> str:
    """Flat, blocky (buildings), jagged (treeline), peaked (mountains) or rolling (hills)."""
    amplitude = float(np.percentile(profile, 95) - np.percentile(profile, 5))
    steps = np.diff(profile)
    if amplitude <= 3:
        return "flat"
    big_steps = float((np.abs(steps) >= 3).mean())
    flat_runs = float((np.abs(steps) < 0.5).mean())
    direction = np.sign(steps[np.abs(steps) >= 0.5])
    turns = int((np.diff(direction) != 0).sum()) if direction.size > 1 else 0
    if big_steps >= 0.05 and flat_runs >= 0.5:
        return "blocky"
    if turns >= 14 and amplitude <= 16:
        return "jagged"
    if float(np.abs(steps).mean()) >= 0.8 or amplitude >= 22:
        return "peaked"
    return "rolling"


def _ripple_count(lab_below: np.ndarray) -> int:
    """Alternations of light and dark rows under the horizon: waves read as ripples."""
    if lab_below.shape[0] < 8:
        return 0
    rows = lab_below[..., 0].mean(axis=1)
    trend = ndimage.uniform_filter1d(rows, size=7, mode="nearest")
    residual = rows - trend
    signs = np.sign(residual[np.abs(residual) > 1.2])
    return int((np.diff(signs) != 0).sum()) if signs.size > 1 else 0
