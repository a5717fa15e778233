"""The offline painter: turns a caption into a 1024x1024 illustration of what it names.

It reads the caption into a scene (`scene`), decides the picture (`composition`: the
setting, time of day, light, horizon and where every named thing goes, plus the
painter's own habits), then paints back to front: sky or wall, far ridges, ground,
side masses, then the things themselves in supersampled layers with form shading and
soft cast shadows, and finally grades the whole picture. Each colour is painted a
little off and each thing a little elsewhere (seeded), which is the painter's half of
the telephone game's loss. The result is JPEG: the engine re-encodes every picture
anyway, and a PNG of this size costs more to write than the whole painting.
"""

from __future__ import annotations

import hashlib
import io
import random
import time

from PIL import Image

from ..base import PaintRequest, PaintResult
from .composition import SINKS, TABLE_MOTIFS, ZONE_COLOURS, Plan, habit_strength, plan_picture, settle
from .finishing import finish
from .ink import Light, Painting, darker, jitter_colour, lighter, mix
from .landscape import clutter, colour_field, far_ridge, field_image, glow, ground, side_mass, wash
from .lexicon import ATMOSPHERE_WORDS, BRIGHTNESS_WORDS, CONTRAST_WORDS, SATURATION_WORDS, TEXTURE_WORDS
from .motifs import MOTIFS
from .pen import Tones, draw_motif
from .scene import Emphasis, Scene, Subject, parse_scene

MODEL_NAME = "local-painter-v2"
SIZE = 1024
COLOUR_JITTER = 5.0
JPEG_QUALITY = 92
GENERIC_EFFECTS = ("contrast", "saturation", "busy", "dream", "golden", "storm")
ZONE_PREFERENCE = 0.25
SHADOW_BY_TIME = {"day": 0.45, "dawn": 0.3, "dusk": 0.35, "night": 0.15}


class LocalPainter:
    """Implements the Painter protocol with Pillow and numpy only."""

    model = MODEL_NAME
    prompt_limit = None  # it reads every word it knows and ignores the rest

    def __init__(self, pace_seconds: float = 0.0, size: int = SIZE) -> None:
        self.pace_seconds = pace_seconds
        self.size = size  # the side in pixels; smaller only when a chain asks (SIZE_KEY)

    def paint(self, request: PaintRequest) -> PaintResult:
        if self.pace_seconds > 0:
            time.sleep(self.pace_seconds)  # a demo chain's watchable pace, see PACE_KEY
        image = paint_image(request.prompt or "", request.seed, size=self.size, step_index=request.step_index)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, subsampling=0)
        return PaintResult(image=buffer.getvalue(), model=MODEL_NAME, params={"size": f"{self.size}x{self.size}"})


def paint_seed(prompt: str, seed: int) -> int:
    """A stable seed from prompt and seed (Python's own hash() is salted per process)."""
    digest = hashlib.blake2b(prompt.encode("utf-8", "replace"), digest_size=16)
    digest.update(str(int(seed)).encode())
    return int.from_bytes(digest.digest()[:8], "big")


def paint_image(prompt: str, seed: int, size: int = SIZE, step_index: int = 1) -> Image.Image:
    """`step_index` is the step being painted: step 1 (the first copy, default) follows
    the caption faithfully, later steps give the painter's habits more and more say."""
    rng = random.Random(paint_seed(prompt, seed))
    scene = parse_scene(prompt)
    strength = apply_emphasis(scene)
    habit = habit_strength(step_index, scene.words)
    if settle(scene, rng, habit) is not None:
        strength = {}  # settled on a favourite: painted its own way, whatever the caption asked
    plan = plan_picture(scene, rng, habit)
    painting = Painting(
        image=_backdrop(plan, rng, size),
        rng=rng,
        horizon=plan.horizon,
        haze=plan.haze,
        light=Light(side=plan.light_side, shadow=SHADOW_BY_TIME[plan.time]),
    )
    if not scene.empty:
        _setting(painting, plan)
        for placed in plan.placed:
            _put(painting, placed, plan)
    return finish(painting.image, scene, time=plan.time, strength=strength)


def _backdrop(plan: Plan, rng: random.Random, size: int) -> Image.Image:
    """The broad colour fields: sky over ground, or a wall lit from one side."""

    def jitter(rgb):
        return jitter_colour(rng, rgb, COLOUR_JITTER)

    if plan.kind == "inside":
        wall = plan.washes[0][0] if plan.washes else mix(plan.sky_top, (120, 110, 100), 0.6)
        field = colour_field(jitter(lighter(wall, 0.08)), jitter(darker(wall, 0.2)), horizon=1.0)
        glow(field, lighter(wall, 0.4), 0.5 + 0.3 * plan.light_side, 0.3, 0.7, 0.5)
        washes = plan.washes[1:]
    else:
        field = colour_field(jitter(plan.sky_top), jitter(plan.sky_bottom), horizon=plan.horizon, curve=0.9)
        if plan.time in {"dawn", "dusk"}:
            glow(field, (255, 200, 130), 0.5 + 0.3 * plan.light_side, plan.horizon - 0.05, 0.45, 0.6)
        washes = [(colour, place) for colour, place in plan.washes if place not in {"bottom", "horizon"}]
    for colour, place in washes:
        wash(field, jitter(colour), place, strength=0.7 if plan.kind == "land" else 0.85)
    return field_image(field, size)


def _setting(painting: Painting, plan: Plan) -> None:
    if plan.kind == "land":
        cold = plan.ground is not None and plan.ground.material == "snow"
        for zone in plan.far:
            far_ridge(painting, zone.material, painting.jitter(_zone_colour(zone)), cold=cold)
        if plan.ground is not None:
            colour = _zone_colour(plan.ground)
            ground(painting, plan.ground.material, painting.jitter(colour), plan.sky_bottom)
    elif plan.kind == "inside":
        table = mix(plan.washes[0][0], (90, 60, 40), 0.5) if plan.washes else (110, 80, 60)
        if any(placed.motif in TABLE_MOTIFS for placed in plan.placed):
            from .ink import fill_shape

            fill_shape(
                painting,
                [(0.0, 1.0), (0.0, plan.horizon), (1.0, plan.horizon), (1.0, 1.0)],
                lighter(table, 0.1),
                darker(table, 0.3),
            )
    for zone in plan.sides:
        colour = painting.jitter(_zone_colour(zone))
        if zone.material == "clutter":
            clutter(painting, colour, zone.place)
        else:
            side_mass(painting, zone.material, colour, zone.place)


def _default_zone_colour(material: str):
    return ZONE_COLOURS[material]


def _zone_colour(zone) -> tuple[int, int, int]:
    """A named setting colour, pulled a little toward the material's own (grass is greenish)."""
    own = ZONE_COLOURS[zone.material]
    return own if zone.colour is None else mix(zone.colour, own, ZONE_PREFERENCE)


def _put(painting: Painting, placed, plan: Plan) -> None:
    motif = MOTIFS[placed.motif]
    left, top, width, height = placed.box
    spread = 3.0 if placed.motif in SINKS else COLOUR_JITTER
    tones = Tones(painting.jitter(placed.body, spread), painting.jitter(placed.accent, spread))
    draw_motif(
        painting,
        motif.draw,
        tones,
        left,
        top,
        width,
        height,
        shadow=motif.place == "ground",
        shade=motif.place != "field",
        flip=placed.flip and motif.place != "field",
    )


def apply_emphasis(scene: Scene) -> dict[str, float]:
    """Fold "Make it more X" into the scene; returns how much to boost named effects."""
    emphasis: Emphasis | None = scene.emphasis
    if emphasis is None:
        return {}
    if emphasis.colour is not None:
        scene.palette.insert(0, emphasis.colour)
        for subject in scene.subjects[:1]:
            subject.colour = mix(subject.colour or emphasis.colour, emphasis.colour, 0.6)
        scene.saturation = max(scene.saturation or 0.0, 0.5)
        return {}
    if emphasis.motif is not None:
        matches = [subject for subject in scene.subjects if subject.motif == emphasis.motif]
        for subject in matches:
            subject.count = min(6, subject.count * 2 + 1)
            subject.size = "large"
        if not matches:
            scene.subjects.append(Subject(motif=emphasis.motif, count=3))
        return {}
    return _more_effect(scene, emphasis.effect or "dramatic")


def _more_effect(scene: Scene, word: str) -> dict[str, float]:
    if word in BRIGHTNESS_WORDS or word in {"light", "darker", "brighter"}:
        darkening = word == "darker" or BRIGHTNESS_WORDS.get(word, 0.7) < 0.5
        scene.brightness = 0.1 if darkening else 0.85
        return {}
    if word in CONTRAST_WORDS or word in {"contrast", "contrasty", "dramatic"}:
        soft = CONTRAST_WORDS.get(word, 0.3) < 0.2
        scene.contrast = 0.05 if soft else 0.38
        return {} if soft else {"vignette": 1.6}
    if word in SATURATION_WORDS or word == "saturation":
        scene.saturation = 0.06 if SATURATION_WORDS.get(word, 0.6) < 0.4 else 0.8
        return {}
    if word in {"symmetric", "symmetrical", "mirrored", "balanced"}:
        scene.symmetric = True
        return {}
    effect = ATMOSPHERE_WORDS.get(word) or TEXTURE_WORDS.get(word) or _effect_for_unknown_word(word)
    return _boost(scene, effect)


def _effect_for_unknown_word(word: str) -> str:
    """Any other word still does something, and always the same thing for the same word."""
    return GENERIC_EFFECTS[hashlib.blake2b(word.encode(), digest_size=2).digest()[0] % len(GENERIC_EFFECTS)]


def _boost(scene: Scene, effect: str) -> dict[str, float]:
    if effect == "contrast":
        scene.contrast = 0.38
        return {"vignette": 1.6}
    if effect == "saturation":
        scene.saturation = 0.8
        return {}
    if effect in {"busy", "grain", "smooth"}:
        if effect not in scene.textures:
            scene.textures.append(effect)
        return {effect: 2.5}
    if effect not in scene.atmospheres:
        scene.atmospheres.append(effect)
    return {effect: 2.2}
