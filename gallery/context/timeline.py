"""What a chain's album shows, gathered in one place for the page, its live fragment and
the reveal player, so the three never disagree.

Steps are read once; each gets its caption split into the lead sentence and the rest
(`step.lead`, `step.more`), which the album shows and folds. The chain's analysis row
is read once here and handed to the template, rather than looked up by a filter.
"""

from __future__ import annotations

from django.urls import reverse

from chains.captions import split_caption
from chains.models import Chain, ChainAnalysis, Status, Step
from chains.selectors.chains import chain_timeline_steps
from chains.selectors.research import chain_analysis

from ..forms.gallery import parse_index
from .album import SummaryFacts, chain_summary
from .plots import plots_context


def timeline_context(*, chain: Chain, selected: str | None, steps=None, with_plots: bool = True) -> dict:
    steps = list(steps if steps is not None else chain_timeline_steps(chain=chain).defer(*UNSHOWN_STEP_FIELDS))
    step_url, branch_url = _url_maker(chain, "gallery:step_detail"), _url_maker(chain, "gallery:branch")
    for step in steps:
        step.chain = chain  # the beats link to steps; spare a query per beat
        step.lead, step.more = split_caption(step.caption)
        # Each is shown several times per step (the beat, its links, both plots).
        step.url, step.branch_url = step_url(step.index), branch_url(step.index)
    captioned = [step for step in steps if step.caption]
    in_progress = next((step for step in steps if not step.caption), None)
    shown = captioned or steps
    analysis = chain_analysis(chain=chain)
    context = {
        "chain": chain,
        "steps": captioned,
        "in_progress": in_progress,
        "selected": _selected(shown, selected),
        "analysis": analysis,
        "summary": _summary(chain, captioned, analysis),
        "first_step": shown[0] if shown else None,
        "latest_step": shown[-1] if shown else None,
        "last_index": captioned[-1].index if captioned else -1,
        "max_index": shown[-1].index if shown else 0,
        "done": sum(1 for step in steps if step.embedded_at),
        "expected": chain.target_length + 1,
        "live": chain.status in (Status.QUEUED, Status.RUNNING),
    }
    if with_plots:
        context.update(plots_context(chain=chain, steps=captioned))
    return context


INDEX_MARK = 987654321
# What no album, reveal or live fragment shows of a step (its permalink does): loading
# them cost 150-step albums a third of their time, mostly in making the rows.
UNSHOWN_STEP_FIELDS = (
    "image_descriptor",
    "calls",
    "image_params",
    "paint_prompt",
    "revised_prompt",
    "caption_draft",
    "estimated_cost",
    "caption_request_id",
    "image_request_id",
    "embedding_request_id",
)


def _url_maker(chain: Chain, name: str):
    """index -> the URL `name` gives for the chain's step at that index, with one reverse()
    per chain rather than one per step: a 150-step album spent a fifth of its time there."""
    head, _, tail = reverse(name, kwargs={"slug": chain.slug, "index": INDEX_MARK}).rpartition(str(INDEX_MARK))
    return lambda index: f"{head}{index}{tail}"


def _summary(chain: Chain, captioned: list[Step], analysis: ChainAnalysis | None) -> str:
    if not captioned:
        return ""
    return chain_summary(
        SummaryFacts(
            first_caption=captioned[0].caption,
            last_caption=captioned[-1].caption,
            last_index=captioned[-1].index,
            target_length=chain.target_length,
            is_ended=chain.is_ended,
            is_running=chain.status in (Status.QUEUED, Status.RUNNING),
            half_life=analysis.half_life if analysis else None,
            convergence_step=analysis.convergence_step if analysis else None,
        )
    )


def _selected(steps: list[Step], raw: str | None) -> Step | None:
    """The step the link points at (?step=N), or None: an album opens at its start."""
    if not steps or raw in (None, ""):
        return None
    by_index = {step.index: step for step in steps}
    wanted = parse_index(raw, default=steps[0].index, maximum=steps[-1].index)
    return by_index.get(wanted, steps[0])
