"""What a chain's timeline shows, gathered in one place for the page, its live
fragment and presentation mode, so the three never disagree."""

from __future__ import annotations

from chains.models import Chain, Status, Step
from chains.selectors.chains import chain_timeline_steps

from ..forms.gallery import parse_index
from .plots import plots_context


def timeline_context(*, chain: Chain, selected: str | None, steps=None) -> dict:
    steps = list(steps if steps is not None else chain_timeline_steps(chain=chain))
    for step in steps:
        step.chain = chain  # the cards link to steps; spare a query per card
    captioned = [step for step in steps if step.caption]
    in_progress = next((step for step in steps if not step.caption), None)
    shown = captioned or steps
    selected_step = _selected(shown, selected)
    return {
        "chain": chain,
        "steps": captioned,
        "in_progress": in_progress,
        "selected": selected_step,
        "previous_step": _neighbour(shown, selected_step, -1),
        "next_step": _neighbour(shown, selected_step, +1),
        "last_index": captioned[-1].index if captioned else -1,
        "max_index": shown[-1].index if shown else 0,
        "done": sum(1 for step in steps if step.embedded_at),
        "expected": chain.target_length + 1,
        "live": chain.status in (Status.QUEUED, Status.RUNNING),
        **plots_context(chain=chain, steps=captioned),
    }


def _selected(steps: list[Step], raw: str | None) -> Step | None:
    if not steps:
        return None
    by_index = {step.index: step for step in steps}
    wanted = parse_index(raw, default=steps[0].index, maximum=steps[-1].index)
    return by_index.get(wanted, steps[0])


def _neighbour(steps: list[Step], step: Step | None, offset: int) -> Step | None:
    if step is None:
        return None
    position = steps.index(step) + offset
    return steps[position] if 0 <= position < len(steps) else None
