"""The offline painter: turns a caption into a 512x512 picture of what it names.

It draws a gradient sky from the named colours, the named motifs as simple shapes in
the named places, then applies light, mood, texture and symmetry words. Each colour
is painted a little off (seeded jitter) and each motif a little elsewhere, which is
the painter's half of the telephone game's loss.
"""

from __future__ import annotations

import functools
import hashlib
import io
import random
import time

import numpy as np
from PIL import Image

from ..base import PaintRequest, PaintResult
from .backdrop import paint_backdrop
from .canvas import RGB, SIZE, Canvas, MotifStyle, jitter_colour
from .finishing import finish
from .motifs_built import BUILT_MOTIFS
from .motifs_land import LAND_MOTIFS
from .motifs_pattern import PATTERN_MOTIFS
from .motifs_sky import SKY_MOTIFS
from .scene import Emphasis, MotifRequest, Scene, parse_scene
from .vocabulary import (
    ATMOSPHERE_WORDS,
    BRIGHTNESS_WORDS,
    COLOUR_RGB,
    CONTRAST_WORDS,
    SATURATION_WORDS,
    TEXTURE_WORDS,
)

MODEL_NAME = "local-painter-v1"
COLOUR_JITTER = 11.0
MAX_COPIES = 14

MOTIF_STYLES: dict[str, MotifStyle] = {**SKY_MOTIFS, **LAND_MOTIFS, **BUILT_MOTIFS, **PATTERN_MOTIFS}

# Effects "Make it more X" can ask for when X is neither a colour nor a motif.
GENERIC_EFFECTS = ("contrast", "saturation", "busy", "dream", "golden", "storm")


class LocalPainter:
    """Implements the Painter protocol with Pillow drawing only."""

    model = MODEL_NAME
    prompt_limit = None  # it reads every word it knows and ignores the rest

    def __init__(self, pace_seconds: float = 0.0) -> None:
        self.pace_seconds = pace_seconds

    def paint(self, request: PaintRequest) -> PaintResult:
        if self.pace_seconds > 0:
            time.sleep(self.pace_seconds)  # a demo chain's watchable pace, see PACE_KEY
        image = paint_image(request.prompt or "", request.seed)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return PaintResult(image=buffer.getvalue(), model=MODEL_NAME, params={"size": f"{SIZE}x{SIZE}"})


def paint_seed(prompt: str, seed: int) -> int:
    """A stable seed from prompt and seed (Python's own hash() is salted per process)."""
    digest = hashlib.blake2b(prompt.encode("utf-8", "replace"), digest_size=16)
    digest.update(str(int(seed)).encode())
    return int.from_bytes(digest.digest()[:8], "big")


def paint_image(prompt: str, seed: int, size: int = SIZE) -> Image.Image:
    seed_value = paint_seed(prompt, seed)
    rng = random.Random(seed_value)
    scene = parse_scene(prompt)
    strength = apply_emphasis(scene)
    jitter = functools.partial(jitter_colour, rng, spread=COLOUR_JITTER)
    backdrop, spare = paint_backdrop(scene, rng, jitter, size)
    canvas = Canvas(backdrop, rng, horizon=ground_level(scene, rng), jitter_amount=COLOUR_JITTER)
    if "busy" in scene.textures or strength.get("busy"):
        scatter_strokes(canvas, scene, spare, int(40 * strength.get("busy", 1.0)))
    for request in ordered_requests(scene):
        paint_motif(canvas, request)
    if scene.emphasis and scene.emphasis.colour:
        wash_with(canvas, scene.emphasis.colour)
    return finish(canvas.image, scene, np.random.default_rng(seed_value), strength)


def ground_level(scene: Scene, rng: random.Random) -> float:
    """Where the ground starts: from the first ground motif's stated place, or its default."""
    for request in scene.motifs:
        style = MOTIF_STYLES[request.motif]
        if style.ground:
            level = style.y if request.y is None else request.y - 0.22
            return min(0.78, max(0.38, level + rng.uniform(-0.04, 0.04)))
    return 0.66 + rng.uniform(-0.04, 0.04)


def ordered_requests(scene: Scene) -> list[MotifRequest]:
    """Back to front by layer; scene-wide motifs drawn once even if named twice."""
    seen_single: set[str] = set()
    kept: list[tuple[int, int, MotifRequest]] = []
    for order, request in enumerate(scene.motifs):
        style = MOTIF_STYLES[request.motif]
        if style.arrangement == "single":
            if request.motif in seen_single:
                continue
            seen_single.add(request.motif)
        kept.append((style.layer, order, request))
    kept.sort(key=lambda item: (item[0], item[1]))
    return [request for _, _, request in kept]


def paint_motif(canvas: Canvas, request: MotifRequest) -> None:
    style = MOTIF_STYLES[request.motif]
    colour = canvas.jitter(request.colour or COLOUR_RGB[style.colour])
    x = canvas.wobble(style.x if request.x is None else request.x, 0.05)
    y = _anchor_y(canvas, style, request)
    count = max(1, min(MAX_COPIES, request.count))
    if style.arrangement in ("single", "swarm"):
        style.draw(canvas, colour, x, y, float(count) if style.arrangement == "swarm" else 1.0)
        return
    scale = 1.0 if count <= 2 else 0.85 if count <= 4 else 0.65
    for cx, cy in _copy_positions(canvas, style, count, x, y, request.x is not None):
        style.draw(canvas, canvas.jitter(colour, 4.0), cx, cy, scale * canvas.rng.uniform(0.85, 1.15))


def _anchor_y(canvas: Canvas, style: MotifStyle, request: MotifRequest) -> float:
    """Objects standing on the ground follow the horizon unless the caption placed them."""
    if request.y is not None:
        return canvas.wobble(request.y, 0.04)
    if style.layer == 3:
        return canvas.wobble(style.y + (canvas.horizon - 0.66), 0.02)
    return canvas.wobble(style.y, 0.04)


def _copy_positions(
    canvas: Canvas, style: MotifStyle, count: int, x: float, y: float, placed: bool
) -> list[tuple[float, float]]:
    """A row spreads copies side by side (around `x` if the caption placed them); scatter
    throws them around the anchor."""
    rng = canvas.rng
    if style.arrangement == "row":
        spacing = min(0.14, 0.5 / count) if placed else 1.0 / count
        start = x - spacing * (count - 1) / 2 if placed else spacing / 2
        return [
            (_clamp(start + i * spacing + rng.uniform(-0.025, 0.025)), y + rng.uniform(-0.025, 0.025))
            for i in range(count)
        ]
    if count == 1:
        return [(x, y)]
    reach = min(0.4, 0.08 + 0.035 * count)
    return [
        (_clamp(x + rng.uniform(-reach, reach)), _clamp(y + rng.uniform(-reach, reach) * 0.6))
        for _ in range(count)
    ]


def _clamp(value: float) -> float:
    return min(0.95, max(0.05, value))


def scatter_strokes(canvas: Canvas, scene: Scene, spare: list[RGB], strokes: int) -> None:
    """Busy texture: short brush strokes in the scene's own colours."""
    colours = spare or scene.palette or [colour for colour in scene.regions.values()] or [(90, 90, 90)]
    for _ in range(min(strokes, 200)):
        x, y = canvas.rng.random(), canvas.rng.random()
        length = canvas.rng.uniform(0.01, 0.04)
        angle = canvas.rng.uniform(0, 3.14)
        end = (x + length * np.cos(angle), y + length * np.sin(angle))
        canvas.line([(x, y), end], canvas.jitter(canvas.rng.choice(colours), 20.0), width=3)


def wash_with(canvas: Canvas, colour: RGB) -> None:
    """"More crimson": a broad band of the colour through the middle of the picture."""
    top = canvas.rng.uniform(0.25, 0.45)
    overlay = Image.new("RGB", canvas.image.size, colour)
    mask = Image.new("L", canvas.image.size, 0)
    mask.paste(150, (0, canvas.px(top), canvas.size, canvas.px(min(1.0, top + 0.4))))
    canvas.image.paste(Image.composite(overlay, canvas.image, mask), (0, 0))


def apply_emphasis(scene: Scene) -> dict[str, float]:
    """Fold "Make it more X" into the scene; returns how much to boost named effects."""
    emphasis: Emphasis | None = scene.emphasis
    if emphasis is None:
        return {}
    if emphasis.colour is not None:
        scene.palette.insert(0, emphasis.colour)
        scene.saturation = max(scene.saturation or 0.0, 0.5)
        return {}
    if emphasis.motif is not None:
        return _more_motif(scene, emphasis.motif)
    return _more_effect(scene, emphasis.effect or "dramatic")


def _more_motif(scene: Scene, motif: str) -> dict[str, float]:
    matches = [request for request in scene.motifs if request.motif == motif]
    for request in matches:
        request.count = min(MAX_COPIES, request.count * 2 + 2)
    if not matches:
        scene.motifs.append(MotifRequest(motif=motif, count=5))
    return {}


def _more_effect(scene: Scene, word: str) -> dict[str, float]:
    if word in BRIGHTNESS_WORDS or word in {"light", "darker", "brighter"}:
        darkening = word in {"darker"} or BRIGHTNESS_WORDS.get(word, 0.7) < 0.5
        scene.brightness = 0.08 if darkening else 0.9
        return {}
    if word in CONTRAST_WORDS or word in {"contrast", "contrasty", "dramatic"}:
        soft = CONTRAST_WORDS.get(word, 0.3) < 0.2
        scene.contrast = 0.03 if soft else 0.4
        return {} if soft else {"vignette": 1.5}
    if word in SATURATION_WORDS or word == "saturation":
        scene.saturation = 0.05 if SATURATION_WORDS.get(word, 0.6) < 0.4 else 0.85
        return {}
    if word in {"symmetric", "symmetrical", "mirrored", "balanced"}:
        scene.symmetric = True
        return {}
    effect = _known_effect(word) or _effect_for_unknown_word(word)
    return _boost(scene, effect)


def _effect_for_unknown_word(word: str) -> str:
    """Any other word still does something, and always the same thing for the same word."""
    return GENERIC_EFFECTS[hashlib.blake2b(word.encode(), digest_size=2).digest()[0] % len(GENERIC_EFFECTS)]


def _known_effect(word: str) -> str | None:
    return ATMOSPHERE_WORDS.get(word) or TEXTURE_WORDS.get(word)


def _boost(scene: Scene, effect: str) -> dict[str, float]:
    if effect == "contrast":
        scene.contrast = 0.4
        return {"vignette": 1.5}
    if effect == "saturation":
        scene.saturation = 0.85
        return {}
    if effect in {"busy", "grain", "smooth"}:
        if effect not in scene.textures:
            scene.textures.append(effect)
        return {effect: 2.5}
    if effect not in scene.atmospheres:
        scene.atmospheres.append(effect)
    return {effect: 2.2}
