"""The offline backend: vocabulary, captioner, painter, embedder, and the game's drift.

Pure tests (no database, no Django): run with `-p no:django`. The drift test plays
real chains from photos and synthetic pictures and checks the property the whole
project relies on: meaning wanders away from the start, one small step at a time.
"""

from __future__ import annotations

import io
import random
import re
from itertools import combinations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from sklearn.datasets import load_sample_image

from chains import modes
from chains.providers import build_providers
from chains.providers.base import CaptionRequest, PaintRequest, ProviderError
from chains.providers.local import SIZE_KEY, build
from chains.providers.local.composition import plan_picture
from chains.providers.local.ink import Painting
from chains.providers.local.lexicon import MOTIF_BY_WORD, MOTIF_NOUNS
from chains.providers.local.motifs import MOTIFS
from chains.providers.local.pen import Tones, draw_motif
from chains.providers.local.scene import parse_scene
from chains.providers.local.vocabulary import COLOUR_RGB, COLOURS

SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@pytest.fixture(scope="module")
def providers():
    return build({})


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def photo(name: str) -> bytes:
    return encode(Image.fromarray(load_sample_image(name)).resize((512, 512)))


def night_with_sun_and_tower() -> bytes:
    image = Image.new("RGB", (512, 512), (20, 30, 80))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 330, 512, 512], fill=(30, 120, 60))
    draw.ellipse([360, 60, 450, 150], fill=(250, 220, 60))
    draw.rectangle([100, 180, 150, 340], fill=(180, 60, 40))
    return encode(image)


def stripes_and_disc() -> bytes:
    image = Image.new("RGB", (512, 512), (240, 200, 210))
    draw = ImageDraw.Draw(image)
    for left in range(0, 512, 64):
        draw.rectangle([left, 0, left + 30, 512], fill=(90, 40, 140))
    draw.ellipse([180, 180, 330, 330], fill=(20, 200, 190))
    return encode(image)


def caption(
    providers, image: bytes, *, detail: str = "very", seed: int = 0, mode: str = "telephone", theme: str = ""
) -> str:
    instructions = modes.caption_instructions(mode=mode, detail=detail, theme=theme)
    request = CaptionRequest(image=image, instructions=instructions, detail=detail, mode=mode, theme=theme, seed=seed)
    return providers.captioner.caption(request).text


def paint(providers, prompt: str, seed: int = 0) -> np.ndarray:
    result = providers.painter.paint(PaintRequest(prompt=prompt, seed=seed))
    return np.asarray(Image.open(io.BytesIO(result.image)).convert("RGB"), dtype=np.int16)


def sentences(text: str) -> int:
    return len(SENTENCE_END.findall(text.strip()))


def share_near(pixels: np.ndarray, rgb, distance: float = 60.0) -> float:
    return float((np.linalg.norm(pixels - np.array(rgb), axis=-1) < distance).mean())


# --- the backend as a whole -------------------------------------------------------


def test_build_returns_local_provider_set_with_flat_snapshot():
    built = build_providers("local")
    assert built.name == "local"
    for role in ("caption", "image", "embedding", "moderation"):
        assert built.snapshot[f"{role}_backend"] == "local"
        assert built.snapshot[f"{role}_endpoint"] == "offline"
    assert built.snapshot["caption_model"] == "local-captioner-v2"
    assert built.snapshot["image_model"] == "local-painter-v2"
    assert built.snapshot["embedding_model"] == "local-hash-embed-v1"
    assert built.snapshot["embedding_dimension"] == 256
    assert built.moderator.moderate(text="anything", image=b"x").flagged is False


@pytest.mark.parametrize(
    ("asked", "side"), [(None, 1024), (256, 256), (64, 64), (32, 1024), (4096, 1024), ("256", 1024), (True, 1024)]
)
def test_a_chains_settings_may_ask_the_painter_for_smaller_pictures_and_nothing_else(asked, side):
    snapshot = {**build_providers("local").snapshot, **({SIZE_KEY: asked} if asked is not None else {})}
    painted = build_providers("local", snapshot).painter.paint(PaintRequest(prompt="a red lighthouse", seed=3))
    assert Image.open(io.BytesIO(painted.image)).size == (side, side)
    assert painted.params == {"size": f"{side}x{side}"}


def test_vocabulary_has_a_hundred_colours_and_eighty_drawable_motifs():
    names = [name for name, _ in COLOURS]
    assert len(names) >= 100 and len(set(names)) == len(names)
    assert all(len(rgb) == 3 and all(0 <= value <= 255 for value in rgb) for _, rgb in COLOURS)
    assert set(MOTIF_NOUNS) == set(MOTIFS) and len(MOTIFS) >= 80
    assert all(
        MOTIF_BY_WORD[singular] == motif and MOTIF_BY_WORD[plural] == motif
        for motif, (singular, plural) in MOTIF_NOUNS.items()
    )
    assert all(motif.colour in COLOUR_RGB and motif.accent in COLOUR_RGB for motif in MOTIFS.values())


def draw_alone(motif: str, seed: int) -> np.ndarray:
    painting = Painting(Image.new("RGB", (256, 256), (128, 128, 128)), random.Random(seed))
    draw_motif(
        painting, MOTIFS[motif].draw, Tones(COLOUR_RGB["crimson"], COLOUR_RGB["teal"]), 0.2, 0.2, 0.6, 0.6, shadow=False
    )
    return np.asarray(painting.image, dtype=np.int16)


@pytest.mark.parametrize("motif", sorted(MOTIFS))
def test_every_motif_draws_a_shape_with_variants(motif):
    drawn = draw_alone(motif, 1)
    changed = (np.abs(drawn - 128) > 6).any(axis=-1)
    assert changed.mean() > 0.004, f"{motif} left the canvas (almost) blank"
    assert len({tuple(pixel) for pixel in drawn[changed][::7]}) >= 3, f"{motif} is a single flat shape"


# --- captioner --------------------------------------------------------------------


def test_caption_length_follows_detail_level(providers):
    image = photo("china.jpg")
    texts = {detail: caption(providers, image, detail=detail, seed=3) for detail in modes.DETAIL_SENTENCES}
    counts = {detail: sentences(text) for detail, text in texts.items()}
    assert 1 <= counts["somewhat"] <= 2
    assert 3 <= counts["very"] <= 5
    assert 5 <= counts["excessively"] <= 7
    assert counts["obsessively"] >= 8
    words = [len(texts[detail].split()) for detail in ("somewhat", "very", "excessively", "obsessively")]
    assert words == sorted(words) and len(set(words)) == 4


def test_caption_names_the_subject_and_setting_it_can_see(providers):
    text = caption(providers, night_with_sun_and_tower(), detail="excessively", seed=1).lower()
    assert re.match(r"an? [a-z ]*(tower|rocket|lighthouse|skyscraper|obelisk)", text), text
    assert "sky" in text
    assert any(name in text for name in ("midnight blue", "navy", "indigo", "sapphire", "ultramarine")), text


def test_caption_is_deterministic_and_seed_changes_wording(providers):
    image = photo("flower.jpg")
    assert caption(providers, image, seed=5) == caption(providers, image, seed=5)
    assert len({caption(providers, image, seed=seed) for seed in range(6)}) > 1


def test_caption_reports_model_and_rough_token_counts(providers):
    result = providers.captioner.caption(CaptionRequest(image=stripes_and_disc(), instructions="Describe it."))
    assert result.model == "local-captioner-v2"
    assert result.output_tokens == len(result.text.split())
    assert result.input_tokens >= 2


def test_story_mode_describes_the_next_panel_with_the_story_character(providers):
    text = caption(providers, photo("china.jpg"), mode="story", theme="A fox looks for the moon.", detail="excessively")
    assert text.startswith("In the next panel, a")
    assert "The fox " in text and "The story so far: A fox looks for the moon." in text


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "CMYK", "I;16", "F"])
def test_captioner_reads_any_pillow_mode(providers, mode):
    pixels = np.random.default_rng(0).integers(0, 255, (40, 70, 3), dtype=np.uint8)
    source = Image.fromarray(pixels)
    if mode == "I;16":
        image = Image.fromarray((pixels[..., 0].astype(np.uint16) * 250))
    elif mode == "F":
        image = Image.fromarray(pixels[..., 0].astype(np.float32) / 7.0)
    else:
        image = source.convert(mode)
    fmt = {"CMYK": "JPEG", "F": "TIFF"}.get(mode, "PNG")
    assert sentences(caption(providers, encode(image, fmt))) >= 3


@pytest.mark.parametrize("payload", [b"", b"not an image at all", encode(Image.new("RGB", (64, 64)))[:60]])
def test_unreadable_bytes_raise_a_permanent_error(providers, payload):
    with pytest.raises(ProviderError) as raised:
        providers.captioner.caption(CaptionRequest(image=payload, instructions="x"))
    assert raised.value.permanent is True
    assert raised.value.message == "The image could not be read."


# --- painter ----------------------------------------------------------------------


def test_painter_returns_a_1024_picture_deterministically(providers):
    prompt = "A golden yellow sun hangs over teal hills."
    first = providers.painter.paint(PaintRequest(prompt=prompt, seed=4))
    assert first.model == "local-painter-v2" and first.params == {"size": "1024x1024"}
    assert first.image == providers.painter.paint(PaintRequest(prompt=prompt, seed=4)).image
    assert first.image != providers.painter.paint(PaintRequest(prompt=prompt, seed=5)).image
    with Image.open(io.BytesIO(first.image)) as image:
        assert image.format == "JPEG" and image.size == (1024, 1024)


def test_painter_paints_the_colours_a_caption_names(providers):
    crimson = COLOUR_RGB["crimson"]
    red = paint(providers, "A crimson sky above crimson hills.")
    blue = paint(providers, "A teal sky above teal hills.")
    assert share_near(red, crimson) > 0.3
    assert share_near(blue, crimson) < 0.02


def test_a_named_motif_appears_where_the_caption_puts_it(providers):
    with_sun = paint(providers, "A navy sky. A golden yellow sun hangs in the upper left.", seed=2)
    without = paint(providers, "A navy sky.", seed=2)
    sun = COLOUR_RGB["golden yellow"]
    half = with_sun.shape[0] // 2
    assert share_near(with_sun[:half, :half], sun) > 0.03
    assert share_near(with_sun[half:, half:], sun) < 0.01
    assert share_near(without, sun) < 0.01


def test_many_and_plural_words_add_copies():
    def copies(prompt: str) -> int:
        return sum(len(plan_picture(parse_scene(prompt), random.Random(seed)).placed) for seed in range(4))

    assert copies("A navy sky. Many crimson towers stand in a row.") >= 3 * copies(
        "A navy sky. A crimson tower stands in the centre."
    )


def test_symmetry_words_mirror_the_picture(providers):
    pixels = paint(providers, "A symmetrical scene: an ochre sun in the upper left over jade hills.", seed=3)
    assert np.abs(pixels - pixels[:, ::-1]).mean() < 2.0


def test_make_it_more_strengthens_what_it_names(providers):
    base = "A teal sky above navy hills."
    plain = paint(providers, base, seed=6)
    redder = paint(providers, modes.paint_prompt(mode="more", caption=base, theme="crimson"), seed=6)
    assert share_near(redder, COLOUR_RGB["crimson"], 90) > share_near(plain, COLOUR_RGB["crimson"], 90) + 0.1
    starry = paint(providers, "A navy sky with a few stars.\n\nMake it more stars.", seed=6)
    fewer = paint(providers, "A navy sky with a few stars.", seed=6)
    assert share_near(starry, (250, 250, 250), 80) > share_near(fewer, (250, 250, 250), 80)


@pytest.mark.parametrize(
    "prompt", ["", "   ", "!!!", "été 東京 🌅", "x" * 20000, "crimson stars " * 3000, "Make it more"]
)
def test_empty_or_weird_captions_still_paint_something(providers, prompt):
    pixels = paint(providers, prompt, seed=1)
    assert pixels.shape == (1024, 1024, 3)
    assert pixels.std() > 1.0


# --- embedder ---------------------------------------------------------------------


def test_embedder_returns_unit_float32_vectors_of_dimension_256(providers):
    texts = ["A crimson sun over teal hills.", "Two slate grey towers rise on the right.", ""]
    result = providers.embedder.embed(texts)
    assert result.vectors.shape == (3, 256) and result.vectors.dtype == np.float32
    assert result.dimension == 256 and result.model == "local-hash-embed-v1"
    assert np.allclose(np.linalg.norm(result.vectors[:2], axis=1), 1.0, atol=1e-5)
    assert not result.vectors[2].any()
    assert result.tokens == 14
    assert np.array_equal(result.vectors, providers.embedder.embed(texts).vectors)


def test_embedder_puts_related_captions_closer_than_unrelated_ones(providers):
    vectors = providers.embedder.embed(
        [
            "A crimson sun hangs over teal hills.",
            "A crimson sun glows above teal hills.",
            "Two slate grey towers and a navy sea.",
        ]
    ).vectors
    assert vectors[0] @ vectors[1] > 0.5 > vectors[0] @ vectors[2]


# --- the game: speed and drift ----------------------------------------------------


def play_chain(providers, image: bytes, chain_seed: int, steps: int = 10) -> np.ndarray:
    """Caption, paint, caption... with a different seed per step; returns caption vectors."""
    captions = []
    for index in range(steps + 1):
        text = caption(providers, image, detail="very", seed=chain_seed + 2 * index)
        captions.append(text)
        if index < steps:
            request = PaintRequest(prompt=text, seed=chain_seed + 2 * index + 1, step_index=index + 1)
            image = providers.painter.paint(request).image
    assert len(set(captions[1:])) > steps // 2, "the chain froze into a fixed point"
    return providers.embedder.embed(captions).vectors


def test_chains_drift_away_gradually_from_their_start(providers):
    starts = [photo("china.jpg"), photo("flower.jpg"), night_with_sun_and_tower(), stripes_and_disc()]
    played = [
        (origin, play_chain(providers, image, chain_seed=base + 1000 * origin))
        for base in (100, 555)
        for origin, image in enumerate(starts)
    ]
    chains = np.stack([vectors for _, vectors in played])

    to_start = np.einsum("csd,cd->cs", chains, chains[:, 0])
    early, late = to_start[:, 1:3].mean(), to_start[:, 6:11].mean()
    consecutive = np.einsum("csd,csd->cs", chains[:, 1:], chains[:, :-1]).mean()
    unrelated = np.mean(
        [
            chains[a, step] @ chains[b, step]
            for a, b in combinations(range(len(played)), 2)
            if played[a][0] != played[b][0]
            for step in range(11)
        ]
    )

    assert late < early - 0.05, f"no drift: early {early:.3f}, late {late:.3f}"
    assert consecutive > unrelated + 0.1, (
        f"steps look unrelated: consecutive {consecutive:.3f}, across chains {unrelated:.3f}"
    )
    assert to_start[:, 1].mean() < 0.95, "step 1 repeats step 0: nothing is lost"
