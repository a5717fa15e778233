"""Animations: rendering frames (pure Pillow), and asking for / rendering them (services)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from chains import animation
from chains.animation import (
    ANIMATION_BAD_FORMAT,
    ANIMATION_BAD_FRAME_MS,
    ANIMATION_BAD_PICTURE,
    ANIMATION_BAD_WIDTH,
    ANIMATION_NO_PICTURES,
    CAPTION_INK,
    AnimationError,
    animation_key,
    animation_options,
    band_top,
    frame_height,
    render_animation,
)
from chains.models import AnimationStatus, ChainAnimation, Screening, Step
from chains.services import ANIMATION_RENDER_FAILED, Outcome, animation_render, animation_request, chain_run_inline
from tests.factories import make_chain
from tests.support.providers import solid_png


def pictures(count: int, size=(64, 64)) -> list[bytes]:
    colours = [((index * 53) % 255, 90, 200 - index * 10) for index in range(count)]
    return [_png(colour, size) for colour in colours]


def _png(colour, size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def frame_durations(data: bytes) -> list[int]:
    opened = Image.open(io.BytesIO(data))
    durations = []
    for frame in range(opened.n_frames):
        opened.seek(frame)
        opened.load()  # WebP reports a frame's duration only once it is decoded
        durations.append(opened.info["duration"])
    return durations


# --- options ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, message",
    [
        ({"format": "png"}, ANIMATION_BAD_FORMAT),
        ({"format": ""}, ANIMATION_BAD_FORMAT),
        ({"width": 300}, ANIMATION_BAD_WIDTH),
        ({"width": "wide"}, ANIMATION_BAD_WIDTH),
        ({"frame_ms": 99}, ANIMATION_BAD_FRAME_MS),
        ({"frame_ms": 5001}, ANIMATION_BAD_FRAME_MS),
        ({"frame_ms": 150}, ANIMATION_BAD_FRAME_MS),
        ({"frame_ms": 500}, ANIMATION_BAD_FRAME_MS),  # a tenth of a second, but not one of the paces
        ({"frame_ms": "soon"}, ANIMATION_BAD_FRAME_MS),
        ({"frame_ms": None}, ANIMATION_BAD_FRAME_MS),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(options, message):
    with pytest.raises(AnimationError) as refused:
        animation_options(**{"format": "gif", "width": 512, "frame_ms": 800, **options})
    assert refused.value.message == message


def test_good_options_accept_form_strings_and_name_a_fixed_key():
    options = animation_options(format="webp", width="768", frame_ms="200")
    assert (options.width, options.frame_ms) == (768, 200)
    assert animation_key(chain_id=7, options=options) == "animations/7/webp-768-200.webp"


def test_a_chain_has_a_small_number_of_possible_renders():
    """Issue 12: 300 option sets per chain (450 with MP4), each several CPU-seconds, were on offer."""
    from chains.animation import FORMATS, FRAME_TIMES, WIDTHS

    assert len(FRAME_TIMES) <= 4 and len(WIDTHS) <= 3
    assert len(FORMATS) * len(WIDTHS) * len(FRAME_TIMES) <= 36


# --- rendering ----------------------------------------------------------------------


@pytest.mark.parametrize("format", ["gif", "webp"])
@pytest.mark.parametrize("width, frame_ms", [(256, 400), (768, 1600)])
def test_renders_one_frame_per_picture_at_the_width_and_pace_asked(format, width, frame_ms):
    options = animation_options(format=format, width=width, frame_ms=frame_ms)
    data = render_animation(pictures=pictures(5), options=options)
    opened = Image.open(io.BytesIO(data))
    assert opened.format == format.upper()
    assert opened.is_animated and opened.n_frames == 5
    assert opened.size == (width, frame_height(width)), "a square picture over its caption band"
    assert frame_height(width) % 16 == 0
    assert frame_durations(data) == [frame_ms] * 5


def test_identical_pictures_still_make_one_frame_each():
    """The step number drawn on each frame keeps encoders from merging repeated pictures."""
    options = animation_options(format="gif", width=256, frame_ms=200)
    data = render_animation(pictures=[solid_png()] * 3, options=options)
    assert Image.open(io.BytesIO(data)).n_frames == 3


@pytest.mark.parametrize("size", [(64, 48), (400, 40), (40, 400)])
def test_every_picture_fills_a_square_never_letterboxed(size):
    """A landscape or portrait origin is cropped to the square, not padded with black bars."""
    options = animation_options(format="webp", width=256, frame_ms=200)
    data = render_animation(pictures=[_png((200, 180, 20), size), *pictures(2)], options=options)
    first = Image.open(io.BytesIO(data)).convert("RGB")
    for x, y in ((2, 2), (253, 2), (2, 253), (253, 253), (128, 128)):
        red, green, blue = first.getpixel((x, y))
        assert red > 150 and green > 130 and blue < 80, f"picture, not a bar, at {(x, y)}"


def band_ink(frame: Image.Image, width: int) -> int:
    """How many pixels of the caption band are caption-coloured (light text on the dark band)."""
    band = frame.convert("RGB").crop((0, band_top(width), width, frame.height))
    return sum(
        1
        for pixel in band.get_flattened_data()
        if all(abs(channel - ink) < 60 for channel, ink in zip(pixel, CAPTION_INK, strict=True))
    )


@pytest.mark.parametrize("format", ["gif", "webp"])
def test_each_frame_carries_its_captions_first_sentence_in_the_text_band(format):
    width = 512
    options = animation_options(format=format, width=width, frame_ms=400)
    captions = [
        "A red boat on a calm sea. Gulls circle above it, and a long second sentence follows.",
        "A lighthouse at night, its beam sweeping the fog.",
        "",
    ]
    data = render_animation(pictures=pictures(3), options=options, captions=captions)
    opened = Image.open(io.BytesIO(data))
    inks = []
    for index in range(3):
        opened.seek(index)
        inks.append(band_ink(opened, width))
    assert inks[0] > 400 and inks[1] > 400, f"caption text drawn in the band: {inks}"
    assert inks[2] < inks[1] / 4, "no caption, no text: the ink above is the words, not the band"
    first_only = render_animation(pictures=pictures(1), options=options, captions=[captions[0].split(". ")[0] + "."])
    assert abs(band_ink(Image.open(io.BytesIO(first_only)), width) - inks[0]) < inks[0] * 0.05, (
        "only the first sentence is drawn"
    )


def test_an_mp4_is_a_real_h264_video_with_each_picture_held_for_its_time():
    import imageio_ffmpeg

    width = 256
    options = animation_options(format="mp4", width=width, frame_ms=400)
    data = render_animation(pictures=pictures(4), options=options, captions=["A red boat on a calm sea."] * 4)
    assert data[4:8] == b"ftyp", "an MP4 container"
    path = default_storage.path(default_storage.save("video-check.mp4", io.BytesIO(data)))
    reader = imageio_ffmpeg.read_frames(path)
    meta = next(reader)
    frames = list(reader)
    assert meta["codec"] == "h264" and tuple(meta["size"]) == (width, frame_height(width))
    assert len(frames) == 4 * 2, "five frames a second (FRAME_MS_STEP 200), two per 400 ms picture"
    decoded = Image.frombytes("RGB", tuple(meta["size"]), frames[0])
    assert band_ink(decoded, width) > 150, "the caption survives the encoder"


def test_a_gif_stays_reasonably_small():
    options = animation_options(format="gif", width=768, frame_ms=400)
    assert len(render_animation(pictures=pictures(10), options=options)) < 200_000


def test_nothing_to_animate_and_unreadable_pictures_are_errors():
    options = animation_options(format="webp", width=256, frame_ms=200)
    with pytest.raises(AnimationError, match=ANIMATION_NO_PICTURES):
        render_animation(pictures=[], options=options)
    with pytest.raises(AnimationError) as refused:
        render_animation(pictures=[solid_png(), b"not a picture"], options=options)
    assert refused.value.message == ANIMATION_BAD_PICTURE.format(index=1)


# --- request and render (services, tasks run eagerly) -------------------------------


@pytest.fixture
def render_calls(monkeypatch):
    """Counts real renders, so 'not rendered again' is checked directly."""
    calls = []

    def counting(**kwargs):
        calls.append(kwargs["options"])
        return render_animation(**kwargs)

    monkeypatch.setattr("chains.services.animations.render_animation", counting)
    return calls


@pytest.fixture
def finished_chain():
    return chain_run_inline(chain=make_chain(target_length=2))


def request_gif(chain, **options):
    return animation_request(chain=chain, **{"format": "gif", "width": 256, "frame_ms": 400, **options})


def stored_frames(row: ChainAnimation) -> int:
    with default_storage.open(row.file.name, "rb") as handle:
        return Image.open(io.BytesIO(handle.read())).n_frames


def grow(chain) -> Step:
    """One more step, reusing the last step's files: all a render needs is pictures."""
    last = chain.steps.order_by("-index").first()
    return Step.objects.create(
        chain=chain,
        index=last.index + 1,
        image=last.image.name,
        thumbnail_small=last.thumbnail_small.name,
        thumbnail_large=last.thumbnail_large.name,
        image_screen=Screening.PASSED,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_a_request_renders_once_to_the_fixed_key(finished_chain, render_calls):
    row = request_gif(finished_chain)
    assert row.status == AnimationStatus.READY and row.step_count == 3
    assert row.file.name == f"animations/{finished_chain.pk}/gif-256-400.gif"
    assert default_storage.exists(row.file.name) and stored_frames(row) == 3
    modified = default_storage.get_modified_time(row.file.name)

    again = request_gif(finished_chain)
    assert animation_render(animation_id=row.pk) == Outcome.ALREADY_DONE  # a duplicate message
    assert len(render_calls) == 1
    assert (again.pk, again.updated_at, again.file.name) == (row.pk, row.updated_at, row.file.name)
    assert default_storage.get_modified_time(row.file.name) == modified


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_each_set_of_options_is_its_own_animation(finished_chain, render_calls):
    gif = request_gif(finished_chain)
    webp = request_gif(finished_chain, format="webp", width=512)
    assert gif.pk != webp.pk and len(render_calls) == 2
    assert webp.file.name == f"animations/{finished_chain.pk}/webp-512-400.webp"


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_a_grown_chain_makes_the_animation_stale_and_it_renders_again(finished_chain, render_calls):
    first = request_gif(finished_chain)
    grow(finished_chain)
    assert animation_render(animation_id=first.pk) == Outcome.BUSY  # only a request restarts it
    second = request_gif(finished_chain)
    assert len(render_calls) == 2
    assert second.status == AnimationStatus.READY and second.step_count == 4
    assert second.file.name == first.file.name and stored_frames(second) == 4
    _, files = default_storage.listdir(f"animations/{finished_chain.pk}")
    assert files == ["gif-256-400.gif"]  # overwritten in place, no renamed copy


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_a_failed_render_is_recorded_and_a_new_request_retries(finished_chain, monkeypatch):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("chains.services.animations.render_animation", broken)
    failed = request_gif(finished_chain)
    assert failed.status == AnimationStatus.FAILED
    assert failed.error_message == ANIMATION_RENDER_FAILED  # no internals shown to visitors
    monkeypatch.undo()
    assert request_gif(finished_chain).status == AnimationStatus.READY


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_an_unreadable_picture_fails_with_its_message(finished_chain):
    step = finished_chain.steps.get(index=1)
    default_storage.delete(step.thumbnail_large.name)
    default_storage.save(step.thumbnail_large.name, io.BytesIO(b"garbage"))
    row = request_gif(finished_chain)
    assert row.status == AnimationStatus.FAILED
    assert row.error_message == ANIMATION_BAD_PICTURE.format(index=1)


@pytest.mark.django_db
def test_the_render_task_is_sent_only_after_commit(django_capture_on_commit_callbacks, render_calls):
    chain = make_chain()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = request_gif(chain)
    assert row.status == AnimationStatus.PENDING and not render_calls
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_gif(chain)  # already on its way: not sent twice
    assert callbacks == []


@pytest.mark.django_db
def test_a_claimed_render_is_not_run_twice_until_its_claim_expires(render_calls, settings):
    chain = make_chain()
    row = ChainAnimation.objects.create(
        chain=chain, format="gif", width=256, frame_ms=400, step_count=1
    )  # pending and counted: a worker has it
    assert animation_render(animation_id=row.pk) == Outcome.BUSY and not render_calls
    abandoned = timezone.now() - timedelta(seconds=settings.TELEPHONE_CLAIM_SECONDS + 1)
    ChainAnimation.objects.filter(pk=row.pk).update(updated_at=abandoned)
    assert animation_render(animation_id=row.pk) == Outcome.DONE and len(render_calls) == 1
    row.refresh_from_db()
    assert row.status == AnimationStatus.READY


@pytest.mark.django_db
def test_an_abandoned_pending_animation_is_sent_again_on_request(django_capture_on_commit_callbacks, settings):
    chain = make_chain()
    with django_capture_on_commit_callbacks(execute=False):
        row = request_gif(chain)
    abandoned = timezone.now() - timedelta(seconds=settings.TELEPHONE_CLAIM_SECONDS + 1)
    ChainAnimation.objects.filter(pk=row.pk).update(updated_at=abandoned)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = request_gif(chain)
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == AnimationStatus.READY and row.step_count == 1


@pytest.mark.django_db
def test_a_render_of_a_deleted_animation_does_nothing():
    assert animation_render(animation_id=987654) == Outcome.INACTIVE


def test_the_engine_and_the_model_agree_on_formats():
    from chains.models import AnimationFormat

    assert tuple(AnimationFormat.values) == animation.FORMATS
