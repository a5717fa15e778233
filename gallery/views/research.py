"""Comparisons, experiments, the research export and the about page."""

from __future__ import annotations

import csv

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from chains.cache import public_version
from chains.images import ImageRejected
from chains.metrics.descriptors import descriptor_from_bytes
from chains.metrics.drift import calibrate, cosine_similarity
from chains.models import Atlas
from chains.selectors.atlas import atlas_attractors, atlas_current, public_chain
from chains.selectors.research import (
    COMPARE_MAX_CHAINS,
    baselines,
    chain_curves,
    chain_lineage_offsets,
    chain_vectors,
    chains_for_compare,
    experiment_chains,
    experiment_filmstrips,
    experiments_listed,
    public_chain_slugs,
    research_steps,
)
from chains.selectors.research import experiment_detail as experiment_by_slug
from chains.services import ChainError, chain_origin_image, experiment_create
from chains.services.analysis import IMAGE_KIND, caption_kind

from ..context.atlas import GREY_LIMIT, map_context
from ..forms.atlas import ALIGNS, METRICS, SCALES, CompareForm, ExperimentForm
from ..plots.atlas import overlay_drift_svg
from ._caching import anonymous_cached

EXPERIMENT_CREATED = "Experiment started: {count} chains are on their way."
EXPERIMENT_STAFF_ONLY = "Only staff can start experiments."


def _setting_labeller(experiment):
    """How an experiment names its chains: by the settings that differ between them."""
    several_models = len(experiment.settings.get("models", [])) > 1

    def label(chain) -> str:
        if not several_models:
            return f"{chain.detail} · {chain.mode}"
        models = "/".join(filter(None, (chain.provider_settings.get("caption_model"),
                                        chain.provider_settings.get("image_model")))) or chain.provider
        return f"{chain.detail} · {chain.mode} · {models}"

    return label


def _series(chains, *, metric: str, scale: str, label=str) -> list[dict]:
    """Each chain's curve: caption or picture similarity to its origin, raw or calibrated."""
    curves = chain_curves(chain_ids=[chain.pk for chain in chains])
    known = baselines()
    series = []
    for chain in chains:
        rows = curves.get(chain.pk, [])
        length = max((index for index, *_ in rows), default=-1) + 1
        values = [None] * length
        for index, caption, _, image in rows:
            values[index] = caption if metric == "caption" else image
        if scale == "calibrated":
            kind = IMAGE_KIND if metric == "image" else caption_kind(chain.provider_settings.get("embedding_model", ""))
            baseline = known.get(kind)
            values = [None if v is None else float(calibrate(v, baseline.mean if baseline else None)) for v in values]
        series.append({"label": label(chain), "values": values, "url": chain.get_absolute_url()})
    return series


def _lineage_series(chains, *, metric: str, scale: str) -> list[dict]:
    """Each chain measured against its lineage's first picture or caption, on the lineage's
    own step axis: a branch starts at its fork step, where its parent was, so a chain and
    its branches share one origin and one x axis."""
    anchors = chain_lineage_offsets(chains=chains)
    field = "image_descriptor" if metric == "image" else "embedding"
    stored = chain_vectors(chain_ids=sorted({c.pk for c in chains} | {root for root, _ in anchors.values()}),
                           field=field)
    decode = descriptor_from_bytes if metric == "image" else (
        lambda raw: np.frombuffer(bytes(raw), dtype=np.float32) if raw else None)
    known, series = baselines(), []
    for chain in chains:
        root, offset = anchors[chain.pk]
        origin = decode(stored.get(root, {}).get(0))
        steps = stored.get(chain.pk, {})
        values = [None] * (offset + max(steps, default=-1) + 1)
        for index, raw in steps.items():
            vector = decode(raw)
            if vector is not None and origin is not None and vector.shape == origin.shape:
                values[offset + index] = cosine_similarity(vector, origin)
        if scale == "calibrated":
            kind = IMAGE_KIND if metric == "image" else caption_kind(chain.provider_settings.get("embedding_model", ""))
            baseline = known.get(kind)
            values = [None if v is None else float(calibrate(v, baseline.mean if baseline else None)) for v in values]
        series.append({"label": str(chain), "values": values, "url": chain.get_absolute_url()})
    return series


@require_safe
def compare(request):
    form = CompareForm(request.GET)
    values = form.values(request.GET)
    chains = chains_for_compare(slugs=values["slugs"])
    if values["align"] == "lineage":
        series = _lineage_series(chains, metric=values["metric"], scale=values["scale"])
    else:
        series = _series(chains, metric=values["metric"], scale=values["scale"])
    origin = "its lineage's origin" if values["align"] == "lineage" else "the origin"
    label = f"{METRICS[values['metric']].lower()[:-1]} similarity to {origin} ({SCALES[values['scale']].lower()})"
    return render(request, "gallery/compare.html", {
        "form": form, "chains": chains, "metric": values["metric"], "scale": values["scale"],
        "align": values["align"], "aligns": ALIGNS,
        "missing": len(set(values["slugs"])) - len(chains), "max_chains": COMPARE_MAX_CHAINS,
        "slugs": [chain.slug for chain in chains], "metrics": METRICS, "scales": SCALES,
        "chart": overlay_drift_svg(series=series, value_label=label) if chains else "",
    })


@require_safe
def experiment_list(request):
    def build():
        return render(request, "gallery/experiment_list.html", {"experiments": list(experiments_listed()[:60])})

    return anonymous_cached(request, version_key=f"experiments:{public_version()}", build=build)


@require_safe
def experiment_detail(request, slug: str):
    experiment = experiment_by_slug(slug=slug)
    if experiment is None:
        raise Http404("No such experiment.")

    def build():
        chains = experiment_chains(experiment=experiment)
        context = {"experiment": experiment, "chains": chains,
                   "filmstrips": experiment_filmstrips(chains=chains),
                   "chart": overlay_drift_svg(series=_series(chains, metric="caption", scale="calibrated",
                                                             label=_setting_labeller(experiment)),
                                              title="How fast each setting drifts",
                                              value_label="calibrated caption similarity to the origin"),
                   "compare_slugs": [chain.slug for chain in chains[:COMPARE_MAX_CHAINS]]}
        current = _atlas_of(chains)
        if current is not None:
            context.update(map_context(atlas=current, attractors=list(atlas_attractors(atlas=current)),
                                       view=None, trails=chains, grey_limit=GREY_LIMIT,
                                       colour_trails=True, plot_id="experiment-map"))
        return render(request, "gallery/experiment_detail.html", context)

    return anonymous_cached(request, version_key=f"experiment:{public_version()}", build=build)


def _atlas_of(chains) -> Atlas | None:
    spaces = {chain.provider_settings.get("embedding_model", "") for chain in chains}
    return atlas_current(space=next(iter(spaces))) if len(spaces) == 1 else atlas_current()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def experiment_new(request):
    """Staff only: an experiment spends one run per setting, on the paid models too.

    A visitor is sent to the site's own log-in (settings.LOGIN_URL), never the admin's;
    a member without the role gets the site's 403 page."""
    if not request.user.is_staff:
        raise PermissionDenied(EXPERIMENT_STAFF_ONLY)
    form = ExperimentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            image = data["image"].read() if data.get("image") else _chain_image(data["from_chain"])
            experiment = experiment_create(
                image=image, details=data["details"], modes=data["modes"], models=data["models"],
                target_length=data["target_length"], theme=data["theme"], title=data["title"],
                owner=request.user,
            )
        except (ChainError, ImageRejected) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, EXPERIMENT_CREATED.format(count=experiment.chains.count()))
            return redirect(experiment.get_absolute_url())
    return render(request, "gallery/experiment_form.html", {"form": form})


def _chain_image(slug: str) -> bytes:
    chain = public_chain(slug=slug)
    if chain is None:
        raise ChainError(EXPERIMENT_NO_CHAIN)
    return chain_origin_image(chain=chain)


EXPERIMENT_NO_CHAIN = "No public chain has that link."


# --- research export -----------------------------------------------------------------

CSV_COLUMNS = (
    "chain_slug", "chain_title", "chain_url", "mode", "detail", "theme", "target_length", "status",
    "parent_slug", "step_index", "caption", "caption_model", "image_model", "embedding_model",
    "similarity_to_origin", "similarity_to_previous", "calibrated_similarity_to_origin",
    "calibrated_similarity_to_previous", "image_similarity_to_origin", "image_similarity_to_previous",
    "calibrated_image_similarity_to_origin", "atlas_x", "atlas_y", "attractor_id", "attractor_label",
    "chain_drift", "chain_calibrated_drift", "chain_half_life", "chain_convergence_step",
    "chain_image_drift", "chain_attractor_id", "chain_attractor_label", "chain_arrival_step",
)


class _Echo:
    def write(self, value):
        return value


def _number(value, digits: int = 5):
    return "" if value is None else round(float(value), digits)


def _row(step, *, known) -> list:
    chain = step.chain
    analysis = getattr(chain, "analysis", None) if _has(chain, "analysis") else None
    point = step.atlas_point if _has(step, "atlas_point") else None
    caption_baseline = known.get(caption_kind(step.embedding_model))
    image_baseline = known.get(IMAGE_KIND)

    def calibrated(value, baseline):
        return "" if value is None or baseline is None else _number(calibrate(value, baseline.mean))

    return [
        chain.slug, chain.title, chain.get_absolute_url(), chain.mode, chain.detail, chain.theme,
        chain.target_length, chain.status, "", step.index, step.caption, step.caption_model,
        step.image_model, step.embedding_model, _number(step.similarity_to_origin),
        _number(step.similarity_to_previous), calibrated(step.similarity_to_origin, caption_baseline),
        calibrated(step.similarity_to_previous, caption_baseline), _number(step.image_similarity_to_origin),
        _number(step.image_similarity_to_previous), calibrated(step.image_similarity_to_origin, image_baseline),
        _number(point.x if point else None), _number(point.y if point else None),
        point.attractor_id if point and point.attractor_id else "",
        point.attractor.label if point and point.attractor_id else "",
        _number(chain.drift), _number(analysis.calibrated_drift if analysis else None),
        _blank(analysis.half_life if analysis else None), _blank(analysis.convergence_step if analysis else None),
        _number(analysis.image_drift if analysis else None),
        analysis.attractor_id if analysis and analysis.attractor_id else "",
        analysis.attractor.label if analysis and analysis.attractor_id else "",
        _blank(analysis.arrival_step if analysis else None),
    ]


def _has(instance, name: str) -> bool:
    """Whether a reverse one-to-one exists (reading a missing one raises)."""
    try:
        return getattr(instance, name) is not None
    except ObjectDoesNotExist:
        return False


def _blank(value):
    return "" if value is None else value


@require_safe
def research_csv(request):
    """Every public step with its metrics, streamed so 20,000 rows never sit in memory."""
    known = baselines()
    slugs = public_chain_slugs()

    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_COLUMNS)
        for step in research_steps():
            row = _row(step, known=known)
            row[CSV_COLUMNS.index("parent_slug")] = slugs.get(step.chain.parent_id, "")
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="image-telephone-steps.csv"'
    return response


@require_safe
def about(request):
    def build():
        current = atlas_current()
        return render(request, "gallery/about.html", {
            "baselines": list(baselines().values()), "atlas": current, "spaces": Atlas.objects.count(),
        })

    return anonymous_cached(request, version_key=f"about:{public_version()}", build=build)
