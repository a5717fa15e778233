"""Chain data in the shape of the original experiments' folders.

One metadata record per step, shared by the export command and (later) the JSON
download, so both always describe a step the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

from .models import Chain, Step


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
            "input_tokens": step.input_tokens, "output_tokens": step.output_tokens,
            "embedding_tokens": step.embedding_tokens, "images": step.images_generated,
            "estimated_cost_usd": str(step.estimated_cost),
        },
        "request_ids": {
            "caption": step.caption_request_id, "image": step.image_request_id,
            "embedding": step.embedding_request_id,
        },
    }


def chain_export_to_directory(*, chain: Chain, directory: Path) -> list[Path]:
    """Write original.webp, image_<i>.webp and metadata_<i>.json; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for step in chain.steps.order_by("index"):
        name = "original.webp" if step.index == 0 else f"image_{step.index}.webp"
        written.append(_copy_image(step, directory / name))
        metadata = directory / f"metadata_{step.index}.json"
        metadata.write_text(json.dumps(step_metadata(step=step, chain=chain), indent=2))
        written.append(metadata)
    return written


def _copy_image(step: Step, target: Path) -> Path:
    with step.image.open("rb") as source:
        target.write_bytes(source.read())
    return target
