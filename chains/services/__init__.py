"""Writes to chains and steps. Import from here; the submodules are an implementation detail."""

from .analysis import chain_analyse, chains_refresh_metrics, step_describe_image
from .animations import ANIMATION_RENDER_FAILED, animation_render, animation_request
from .atlas import atlas_mark_dirty, atlas_recompute, atlas_recompute_if_dirty, atlas_recompute_now
from .curation import (
    BRANCH_STEP_ELSEWHERE,
    CHAIN_BAD_FEATURED_ORDER,
    CHAIN_RERUN_BAD_STEP,
    CHAIN_RERUN_BUSY,
    CHAIN_RERUN_NO_STEPS,
    CHAIN_RERUN_RUNNING,
    chain_branch,
    chain_feature,
    chain_hide,
    chain_rerun_from,
    chain_unfeature,
    chain_unhide,
)
from .experiments import (
    EXPERIMENT_EMPTY_GRID,
    EXPERIMENT_NO_IMAGE,
    EXPERIMENT_TOO_LARGE,
    EXPERIMENT_UNKNOWN_MODEL,
    chain_origin_image,
    experiment_create,
    experiment_model_choices,
)
from .exports import chain_archive
from .inline import chain_run_inline
from .lifecycle import (
    CHAIN_ALREADY_ENDED,
    CHAIN_BAD_DETAIL,
    CHAIN_BAD_LENGTH,
    CHAIN_BAD_MODE,
    CHAIN_NOT_RESUMABLE,
    ChainError,
    chain_cancel,
    chain_complete,
    chain_create,
    chain_enqueue_next,
    chain_fail,
    chain_pause,
    chain_resume,
    chain_start,
)
from .painting import step_paint_next
from .phases import Outcome, chain_claim, chain_release, step_caption, step_embed
from .rescue import chain_defer_rescue, chains_reconcile
from .screening import chain_release_hold, chains_hide_with_branches, step_screen

__all__ = [
    "ANIMATION_RENDER_FAILED", "BRANCH_STEP_ELSEWHERE", "CHAIN_ALREADY_ENDED", "CHAIN_BAD_DETAIL",
    "CHAIN_BAD_FEATURED_ORDER", "CHAIN_BAD_LENGTH", "CHAIN_BAD_MODE", "CHAIN_NOT_RESUMABLE",
    "CHAIN_RERUN_BAD_STEP", "CHAIN_RERUN_BUSY", "CHAIN_RERUN_NO_STEPS", "CHAIN_RERUN_RUNNING",
    "EXPERIMENT_EMPTY_GRID", "EXPERIMENT_NO_IMAGE", "EXPERIMENT_TOO_LARGE", "EXPERIMENT_UNKNOWN_MODEL",
    "ChainError", "Outcome",
    "animation_render", "animation_request", "atlas_mark_dirty", "atlas_recompute", "atlas_recompute_if_dirty",
    "atlas_recompute_now", "chain_analyse", "chain_archive", "chain_branch", "chain_cancel", "chain_claim",
    "chain_complete",
    "chain_create", "chain_defer_rescue", "chain_enqueue_next", "chain_fail", "chain_feature", "chain_hide",
    "chain_origin_image", "chain_pause", "chain_release", "chain_rerun_from", "chain_resume", "chain_run_inline",
    "chain_start", "chain_unfeature", "chain_unhide", "chains_reconcile", "chains_refresh_metrics",
    "experiment_create", "experiment_model_choices", "step_caption", "step_describe_image", "step_embed",
    "step_paint_next", "step_screen", "chain_release_hold", "chains_hide_with_branches",
]
