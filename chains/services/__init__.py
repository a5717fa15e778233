"""Writes to chains and steps. Import from here; the submodules are an implementation detail."""

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
from .phases import Outcome, chain_claim, chain_release, step_caption, step_embed, step_paint_next
from .inline import chain_run_inline
from .rescue import chain_defer_rescue, chains_reconcile
from .animations import ANIMATION_RENDER_FAILED, animation_render, animation_request
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

__all__ = [
    "BRANCH_STEP_ELSEWHERE", "CHAIN_BAD_FEATURED_ORDER", "CHAIN_RERUN_BAD_STEP", "CHAIN_RERUN_BUSY",
    "CHAIN_RERUN_NO_STEPS", "CHAIN_RERUN_RUNNING", "chain_branch", "chain_feature", "chain_hide",
    "chain_rerun_from", "chain_unfeature", "chain_unhide",
    "ANIMATION_RENDER_FAILED", "animation_render", "animation_request",
    "CHAIN_ALREADY_ENDED", "CHAIN_BAD_DETAIL", "CHAIN_BAD_LENGTH", "CHAIN_BAD_MODE",
    "CHAIN_NOT_RESUMABLE", "ChainError", "Outcome", "chain_cancel", "chain_claim",
    "chain_complete", "chain_create", "chain_enqueue_next", "chain_fail", "chain_pause",
    "chain_defer_rescue", "chain_release", "chain_resume", "chain_run_inline", "chain_start",
    "chains_reconcile", "step_caption",
    "step_embed", "step_paint_next",
]

# Drift analysis and the atlas.
from .analysis import chain_analyse, chains_refresh_metrics, step_describe_image  # noqa: E402
from .atlas import atlas_mark_dirty, atlas_recompute, atlas_recompute_if_dirty, atlas_recompute_now  # noqa: E402

__all__ += [
    "atlas_mark_dirty", "atlas_recompute", "atlas_recompute_if_dirty", "atlas_recompute_now",
    "chain_analyse", "chains_refresh_metrics", "step_describe_image",
]
from .experiments import (  # noqa: E402
    EXPERIMENT_EMPTY_GRID, EXPERIMENT_NO_IMAGE, EXPERIMENT_TOO_LARGE, EXPERIMENT_UNKNOWN_MODEL,
    chain_origin_image, experiment_create, experiment_model_choices,
)

__all__ += [
    "EXPERIMENT_EMPTY_GRID", "EXPERIMENT_NO_IMAGE", "EXPERIMENT_TOO_LARGE", "EXPERIMENT_UNKNOWN_MODEL",
    "chain_origin_image", "experiment_create", "experiment_model_choices",
]
