"""The captioner's eyesight: regions, the central subject, faces, bright spots, lettering.

It works the way a quick glance does, on a 96x96 thumbnail cut into an 8x8 grid of
blocks. Each block is judged by colour, position and texture: smooth blue or pale at
the top and connected to the top edge is sky; smooth blue-grey lower down is water;
green and leafy is foliage; green and smooth low down is grass... The subject is the
connected patch that stands out most from the picture's border colours, weighted
toward the centre. Every judgement is cheap and fallible on purpose: losses here are
the captioner's half of the telephone game.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .analysis import Reading
from .colour_space import named_lab_table
from .shapes import count_stars, find_skyline
from .vocabulary import COLOUR_NAMES

GRID = 8
SALIENCY_SIDE = 48
MIN_ZONE_BLOCKS = 3
MIN_SUBJECT_SHARE = 0.012


@dataclass(frozen=True)
class ZoneSighting:
    """A region of one material ("sky", "water", "foliage"…), its colour name and place."""

    material: str
    colour: str
    place: str
    share: float
    top: float
    bottom: float


@dataclass(frozen=True)
class SubjectSighting:
    """The thing that stands out, with the geometry its name is guessed from."""

    shape: str
    colour: str
    second: str | None
    x: float
    y: float
    width: float
    height: float
    share: float
    texture: float
    stripes: bool
    face: bool


@dataclass
class Sight:
    zones: list[ZoneSighting]
    subject: SubjectSighting | None
    stars: int
    lettering: str | None
    light_side: str | None
    horizon: float | None


def look(reading: Reading) -> Sight:
    blocks = _block_features(reading)
    skyline = find_skyline(reading.lab, reading.merged_labels, [])
    materials = _classify_blocks(blocks, skyline.height if skyline is not None else 0.7)
    zones = _zones(materials, reading)
    sky = next((zone for zone in zones if zone.material == "sky"), None)
    return Sight(
        zones=zones,
        subject=_subject(reading),
        stars=count_stars(reading.rgb) if reading.brightness < 0.3 else 0,
        lettering=_lettering(blocks),
        light_side=_light_side(reading),
        horizon=sky.bottom if sky is not None else None,
    )


def _block_features(reading: Reading) -> dict[str, np.ndarray]:
    lab = reading.lab
    side = lab.shape[0] // GRID * GRID
    lab = lab[:side, :side]
    cell = side // GRID
    grey = lab[..., 0] / 100.0
    across = np.abs(np.diff(grey, axis=1, append=grey[:, -1:]))
    down = np.abs(np.diff(grey, axis=0, append=grey[-1:, :]))

    def per_block(values: np.ndarray) -> np.ndarray:
        return values.reshape(GRID, cell, GRID, cell, *values.shape[2:]).mean(axis=(1, 3))

    mean = per_block(lab)
    return {
        "L": mean[..., 0],
        "a": mean[..., 1],
        "b": mean[..., 2],
        "chroma": np.hypot(mean[..., 1], mean[..., 2]),
        "hue": np.degrees(np.arctan2(mean[..., 2], mean[..., 1])) % 360,
        "texture": per_block(across + down),
        "across": per_block(across),
        "down": per_block(down),
        "spread": grey.reshape(GRID, cell, GRID, cell).std(axis=(1, 3)),
    }


def _classify_blocks(f: dict[str, np.ndarray], skyline: float) -> np.ndarray:
    """One material name per block, from colour, texture and height in the picture.

    `skyline` (a fraction of the height) is where the upper colour field ends: sky is
    only looked for above it, so a lake under a blue sky is not more sky.
    """
    rows = np.arange(GRID)[:, None] * np.ones((1, GRID))
    L, chroma, hue, texture = f["L"], f["chroma"], f["hue"], f["texture"]
    blue = (hue > 195) & (hue < 310) & (chroma > 6)
    green = (hue > 85) & (hue < 185) & ((chroma > 9) | ((chroma > 5) & (L < 50)))
    warm = ((hue < 100) | (hue > 330)) & ~green
    smooth = texture < 0.05
    out = np.full((GRID, GRID), "wall", dtype=object)
    out[(texture > 0.16) & (f["spread"] > 0.14) & ~green] = "clutter"
    out[warm & (L > 55) & smooth & (rows >= 4) & (chroma > 10)] = "sand"
    out[~green & ~blue & (texture > 0.06) & (texture <= 0.13) & (rows >= 2)] = "rock"
    out[green & (texture >= 0.05)] = "foliage"
    out[green & (texture < 0.05) & (rows >= 3)] = "grass"
    out[L < 14] = "dark"
    water = (blue | ((chroma < 12) & (L > 35))) & (texture < 0.1) & (rows >= 3)
    out[water] = "water"
    above = rows < max(1, int(round(skyline * GRID)))
    sky_like = (texture < 0.06) & above & (blue | ((L > 68) & (chroma < 22)) | (warm & (L > 58)) | (L < 22))
    labelled, _ = ndimage.label(sky_like)
    touching = set(labelled[0][labelled[0] > 0].tolist())
    sky = np.isin(labelled, list(touching)) if touching else np.zeros_like(sky_like)
    out[sky] = "sky"
    if sky.any():
        lowest = int(np.nonzero(sky.any(axis=1))[0].max())
        out[(out == "water") & (rows <= lowest)] = "wall"
    else:
        out[out == "water"] = np.where(blue[out == "water"], "water", "wall")
    return out


def _zones(materials: np.ndarray, reading: Reading) -> list[ZoneSighting]:
    labels = reading.merged_labels
    cell = labels.shape[0] // GRID
    found = []
    for material in dict.fromkeys(materials.ravel().tolist()):
        mask = materials == material
        count = int(mask.sum())
        if count < MIN_ZONE_BLOCKS:
            continue
        rows, cols = np.nonzero(mask)
        pixel_mask = np.kron(mask, np.ones((cell, cell), dtype=bool))
        names = labels[: GRID * cell, : GRID * cell][pixel_mask]
        colour = COLOUR_NAMES[int(np.bincount(names).argmax())]
        found.append(
            ZoneSighting(
                material=material,
                colour=colour,
                place=_place(rows, cols),
                share=count / GRID**2,
                top=float(rows.min()) / GRID,
                bottom=float(rows.max() + 1) / GRID,
            )
        )
    found.sort(key=lambda zone: -zone.share)
    return found


def _place(rows: np.ndarray, cols: np.ndarray) -> str:
    x, y = (cols.mean() + 0.5) / GRID, (rows.mean() + 0.5) / GRID
    wide = cols.max() - cols.min() >= GRID - 3
    tall = rows.max() - rows.min() >= GRID - 3
    if wide and tall:
        return "background"
    if wide:
        return "top" if y < 0.5 else "bottom"
    across = "left" if x < 0.4 else "right" if x > 0.6 else ""
    down = "upper" if y < 0.4 else "lower" if y > 0.6 else ""
    if tall or not down:
        return across or "centre"
    return f"{down} {across}" if across else ("top" if down == "upper" else "bottom")


def _subject(reading: Reading) -> SubjectSighting | None:
    """The connected patch most unlike the border colours, weighted toward the centre."""
    side = SALIENCY_SIDE
    step = reading.lab.shape[0] // side
    lab = reading.lab[: side * step, : side * step].reshape(side, step, side, step, 3).mean(axis=(1, 3))
    palette = _border_palette(lab)
    distance = np.sqrt(((lab[:, :, None, :] - palette[None, None, :, :]) ** 2).sum(-1)).min(-1)
    distance = ndimage.uniform_filter(distance, size=3)
    axis = (np.arange(side) + 0.5) / side - 0.5
    centre = 1.0 - 1.1 * np.sqrt(axis[None, :] ** 2 + axis[:, None] ** 2)
    saliency = distance * np.clip(centre, 0.15, 1.0)
    threshold = max(14.0, float(np.percentile(saliency, 70)))
    mask = saliency > threshold
    components, count = ndimage.label(mask)
    best = None
    if count:
        scores = ndimage.sum(saliency, components, index=np.arange(1, count + 1))
        best = ndimage.binary_fill_holes(components == int(np.argmax(scores)) + 1)
    if best is None or float(best.mean()) < MIN_SUBJECT_SHARE * 2.5:
        best = _close_up(lab) if best is None or float(best.mean()) < MIN_SUBJECT_SHARE else best
    if best is None:
        return None
    return _describe(best, reading, lab)


def _border_palette(lab: np.ndarray) -> np.ndarray:
    """The colours that dominate the picture's edge, quantised coarsely (the background)."""
    ring = np.ones(lab.shape[:2], bool)
    ring[4:-4, 4:-4] = False
    border = lab[ring]
    cells = np.floor(border / np.array([12.0, 14.0, 14.0])).astype(np.int64)
    keys, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    keep = counts >= 0.04 * len(border)
    if not keep.any():
        keep = counts == counts.max()
    inverse = inverse.ravel()
    return np.stack([border[inverse == index].mean(axis=0) for index in np.flatnonzero(keep)])


def _close_up(lab: np.ndarray) -> np.ndarray | None:
    """No patch stands out from the border, yet the middle is busy: something fills the frame."""
    side = lab.shape[0]
    grey = lab[..., 0]
    busy = np.abs(np.diff(grey, axis=1))[:, : -0 or None]
    middle = busy[side // 4 : 3 * side // 4, side // 4 : 3 * side // 4].mean()
    corners = np.concatenate([busy[:6, :6].ravel(), busy[:6, -6:].ravel()]).mean()
    if middle < 3.0 or middle < corners * 1.2:
        return None
    mask = np.zeros((side, side), bool)
    inset = side // 8
    mask[inset : side - inset, inset : side - inset] = True
    return mask


def _describe(mask: np.ndarray, reading: Reading, lab: np.ndarray) -> SubjectSighting:
    side = mask.shape[0]
    rows, cols = np.nonzero(mask)
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    height, width = (bottom - top) / side, (right - left) / side
    fill = mask.sum() / float((bottom - top) * (right - left))
    quarter = max(1, (bottom - top) // 4)
    top_width = mask[top : top + quarter].sum(axis=1).mean()
    bottom_width = mask[bottom - quarter : bottom].sum(axis=1).mean()
    scale = reading.merged_labels.shape[0] // side
    big = np.kron(mask, np.ones((scale, scale), dtype=bool))
    names = reading.merged_labels[: side * scale, : side * scale][big]
    counts = np.bincount(names, minlength=len(COLOUR_NAMES))
    order = np.argsort(-counts)
    second = COLOUR_NAMES[int(order[1])] if counts[order[1]] > 0.18 * counts[order[0]] else None
    grey = lab[..., 0]
    texture = float(np.abs(np.diff(grey, axis=1))[mask[:, 1:]].mean()) if mask[:, 1:].any() else 0.0
    return SubjectSighting(
        shape=_shape(height / max(width, 1e-6), fill, top_width, bottom_width),
        colour=COLOUR_NAMES[int(order[0])],
        second=second,
        x=float(cols.mean() + 0.5) / side,
        y=float(rows.mean() + 0.5) / side,
        width=float(width),
        height=float(height),
        share=float(mask.mean()),
        texture=texture,
        stripes=_striped(grey, mask),
        face=_has_face(reading, mask),
    )


def _shape(aspect: float, fill: float, top_width: float, bottom_width: float) -> str:
    if aspect >= 1.9:
        return "tall"
    if aspect <= 0.5:
        return "wide"
    if top_width < 0.45 * bottom_width and fill < 0.75:
        return "pointed"
    if fill >= 0.86:
        return "block"
    if 0.62 <= fill and 0.7 <= aspect <= 1.4:
        return "round"
    return "blob"


def _striped(grey: np.ndarray, mask: np.ndarray) -> bool:
    """Bands of light and dark down the subject (a lighthouse, a striped tower)."""
    rows = [grey[row][mask[row]].mean() for row in range(mask.shape[0]) if mask[row].sum() >= 2]
    if len(rows) < 8:
        return False
    profile = np.asarray(rows) - ndimage.uniform_filter1d(np.asarray(rows), 7)
    signs = np.sign(profile[np.abs(profile) > 6])
    return int((np.diff(signs) != 0).sum()) >= 4


def _has_face(reading: Reading, mask: np.ndarray) -> bool:
    """A skin-toned oval with exactly two dark spots side by side in its upper half: eyes."""
    lab = reading.lab
    side = mask.shape[0]
    step = lab.shape[0] // side
    small = lab[: side * step, : side * step].reshape(side, step, side, step, 3).mean(axis=(1, 3))
    L, a, b = small[..., 0], small[..., 1], small[..., 2]
    skin = (L > 40) & (L < 88) & (a > 8) & (a < 30) & (b > 12) & (b < 38) & (b > 0.7 * a)
    labelled, count = ndimage.label(ndimage.binary_closing(skin, iterations=2))
    if not count:
        return False
    biggest = labelled == (int(np.argmax(np.bincount(labelled.ravel())[1:])) + 1)
    rows, cols = np.nonzero(biggest)
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    height, width = bottom - top, right - left
    if height < 6 or width < 5 or not 0.8 <= height / width <= 1.8 or biggest.sum() < 0.5 * height * width:
        return False
    filled = ndimage.binary_fill_holes(biggest)
    upper = (filled & ~biggest)[top : top + height // 2 + 1, left:right]
    spots, found = ndimage.label(upper)
    if found != 2:
        return False
    centres = ndimage.center_of_mass(upper, spots, [1, 2])
    return abs(centres[0][1] - centres[1][1]) >= 0.25 * width and abs(centres[0][0] - centres[1][0]) <= 0.2 * height


def _lettering(blocks: dict[str, np.ndarray]) -> str | None:
    """Blocks of fine, high-contrast, colourless marks: what text looks like from afar."""
    texty = (blocks["texture"] > 0.16) & (blocks["spread"] > 0.2) & (blocks["chroma"] < 14)
    if texty.sum() < 2 or texty.sum() > 10:
        return None
    rows, cols = np.nonzero(texty)
    return _place(rows, cols)


def _light_side(reading: Reading) -> str | None:
    grey = reading.lab[..., 0]
    third = grey.shape[1] // 3
    left, right = float(grey[:, :third].mean()), float(grey[:, -third:].mean())
    if abs(left - right) < 6:
        return None
    return "left" if left > right else "right"


def colour_distance(first: str, second: str) -> float:
    table = named_lab_table()
    return float(np.linalg.norm(table[COLOUR_NAMES.index(first)] - table[COLOUR_NAMES.index(second)]))
