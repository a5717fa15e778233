"""The chains app's models, one module per concern.

`chain` holds chains, steps and their animations; `analysis` holds what the drift
analysis and the atlas store, and points at `chain`'s models (never the other way).
Django looks models up in this package, so every model is imported here, and the rest
of the code keeps importing from `chains.models`.
"""

from .analysis import Atlas, AtlasIndex, AtlasJob, AtlasPoint, Attractor, Baseline, ChainAnalysis, Experiment
from .chain import (
    ACTIVE_STATUSES,
    ENDED_STATUSES,
    LINK_VISIBILITIES,
    OPEN_STATUSES,
    PUBLISHABLE_SCREENING,
    SLUG_ALPHABET,
    AnimationFormat,
    AnimationStatus,
    Chain,
    ChainAnimation,
    ChainQuerySet,
    Detail,
    Mode,
    Screening,
    Status,
    Step,
    StepQuerySet,
    Visibility,
    linkable_q,
    listed_q,
    new_seed,
    new_slug,
)
from .ledger import BudgetDay, CallOutcome, CallRole, ProviderCall

__all__ = [
    "ACTIVE_STATUSES",
    "ENDED_STATUSES",
    "LINK_VISIBILITIES",
    "SLUG_ALPHABET",
    "AnimationFormat",
    "AnimationStatus",
    "Atlas",
    "AtlasIndex",
    "AtlasJob",
    "AtlasPoint",
    "Attractor",
    "Baseline",
    "Chain",
    "ChainAnalysis",
    "ChainAnimation",
    "ChainQuerySet",
    "Detail",
    "Experiment",
    "Mode",
    "Status",
    "Step",
    "StepQuerySet",
    "Visibility",
    "linkable_q",
    "listed_q",
    "new_seed",
    "new_slug",
    "BudgetDay",
    "CallOutcome",
    "CallRole",
    "OPEN_STATUSES",
    "PUBLISHABLE_SCREENING",
    "ProviderCall",
    "Screening",
]
