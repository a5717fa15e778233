"""Experiments: one starting image run through a grid of settings at once.

Every chain of an experiment gets the same image and the same seed, so the settings
(detail level × mode × models) are the only thing that differs between them, which
is what makes their drift comparable side by side.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from ..models import Chain, Detail, Experiment, Mode, Visibility, new_seed
from ..providers import NO_SCREENING, current_snapshot
from .lifecycle import ChainError, chain_create, chain_start

EXPERIMENT_EMPTY_GRID = "Pick at least one detail level, one mode and one model."
EXPERIMENT_TOO_LARGE = "An experiment runs at most {maximum} chains; pick fewer settings."
EXPERIMENT_UNKNOWN_MODEL = "Unknown model choice: {name}."
EXPERIMENT_NO_IMAGE = "The starting chain has no image to start from."


def experiment_max_chains() -> int:
    return settings.TELEPHONE_EXPERIMENT_MAX_CHAINS


@dataclass(frozen=True)
class ModelChoice:
    """A pair of models to run: one backend for every role (or None: each role as configured),
    plus snapshot values overriding the models."""

    key: str
    label: str
    provider: str | None
    overrides: dict = field(default_factory=dict)


def experiment_model_choices() -> list[ModelChoice]:
    """The offline backend always; the per-role configuration (captions from one server,
    pictures from another) when it is not offline; the OpenAI backend for every role when
    a key is set and that differs from the configuration; and any "caption/image" pairs
    in TELEPHONE_EXPERIMENT_MODELS, each on the configured servers
    (e.g. "qwen2.5vl:7b/gpt-image-2")."""
    choices = [ModelChoice("local", "Offline local models", "local")]
    configured = current_snapshot()
    if set(configured.backends.values()) - {"local", NO_SCREENING}:
        snapshot = configured.snapshot
        label = f"{snapshot.get('caption_model', '?')} → {snapshot.get('image_model', '?')} (as configured)"
        choices.append(ModelChoice("configured", label, None))
    if settings.OPENAI_API_KEY and current_snapshot("openai").snapshot != configured.snapshot:
        caption, image = settings.OPENAI_CAPTION_MODEL, settings.OPENAI_IMAGE_MODEL
        choices.append(ModelChoice("openai", f"{caption} → {image} (OpenAI backend for every role)", "openai"))
    for pair in settings.TELEPHONE_EXPERIMENT_MODELS:
        caption, _, image = str(pair).partition("/")
        if caption and image:
            choices.append(
                ModelChoice(
                    f"pair:{caption}/{image}",
                    f"{caption} → {image}",
                    None,
                    {"caption_model": caption, "image_model": image},
                )
            )
    return choices


def chain_origin_image(*, chain: Chain) -> bytes:
    """The starting image of a chain, to run again under other settings."""
    origin = chain.steps.filter(index=0).first()
    if origin is None or not origin.image:
        raise ChainError(EXPERIMENT_NO_IMAGE)
    with default_storage.open(origin.image.name, "rb") as handle:
        return handle.read()


def experiment_create(
    *,
    image: bytes,
    details: list[str],
    modes: list[str],
    models: list[str],
    target_length: int,
    theme: str = "",
    title: str = "",
    owner=None,
    visibility: str = Visibility.PUBLIC,
    seed: int | None = None,
    start: bool = True,
) -> Experiment:
    """Create one chain per combination of settings, all from `image` with one seed."""
    choices = {choice.key: choice for choice in experiment_model_choices()}
    if not details or not modes or not models:
        raise ChainError(EXPERIMENT_EMPTY_GRID)
    for key in models:
        if key not in choices:
            raise ChainError(EXPERIMENT_UNKNOWN_MODEL.format(name=key))
    details = [detail for detail in Detail.values if detail in details]
    modes = [mode for mode in Mode.values if mode in modes]
    models = list(dict.fromkeys(models))
    grid = list(itertools.product([choices[key] for key in models], details, modes))
    if not grid:
        raise ChainError(EXPERIMENT_EMPTY_GRID)
    if len(grid) > experiment_max_chains():
        raise ChainError(EXPERIMENT_TOO_LARGE.format(maximum=experiment_max_chains()))
    seed = new_seed() if seed is None else seed
    title = title.strip()[:80] or "Experiment"
    with transaction.atomic():
        experiment = Experiment.objects.create(
            title=title,
            owner=owner,
            settings={
                "details": details,
                "modes": modes,
                "models": models,
                "target_length": target_length,
                "theme": theme,
                "seed": seed,
            },
        )
        chains = []
        for model, detail, mode in grid:
            chain = chain_create(
                image=image,
                target_length=target_length,
                mode=mode,
                detail=detail,
                theme="" if mode == Mode.TELEPHONE else theme,
                owner=owner,
                visibility=visibility,
                title=f"{title} · {detail} · {mode} · {model.label}",
                provider=model.provider,
                seed=seed,
                overrides=model.overrides,
            )
            chains.append(chain)
        experiment.chains.add(*chains)
        if start:
            for chain in chains:
                chain_start(chain=chain)
    return experiment
