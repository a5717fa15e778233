"""Comparisons, experiments, the research export and the about page."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from chains.cache import public_version
from chains.exports import research_csv_rows
from chains.images import ImageRejected
from chains.models import Atlas
from chains.selectors.atlas import atlas_attractors, atlas_current, public_chain
from chains.selectors.research import (
    COMPARE_MAX_CHAINS,
    baselines,
    chains_for_compare,
    experiment_chains,
    experiment_filmstrips,
    experiments_listed,
    lineage_similarity_series,
    public_chain_slugs,
    research_steps,
    similarity_series,
)
from chains.selectors.research import experiment_detail as experiment_by_slug
from chains.services import ChainError, chain_origin_image, experiment_create

from ..context.atlas import GREY_LIMIT, map_context
from ..forms.atlas import ALIGNS, METRICS, SCALES, CompareForm, ExperimentForm
from ..plots.atlas import overlay_drift_svg, overlay_legend
from ..roles import may_start_experiments
from ._caching import anonymous_cached
from ._common import role_required

EXPERIMENT_CREATED = "Experiment started: {count} chains are on their way."
# Narrow enough that the axes stay legible at a phone's width; the key is HTML (overlay_legend).
OVERLAY_SIZE = {"width": 480, "height": 300}


def _setting_labeller(experiment):
    """How an experiment names its chains: by the settings that differ between them."""
    several_models = len(experiment.settings.get("models", [])) > 1

    def label(chain) -> str:
        if not several_models:
            return f"{chain.detail} · {chain.mode}"
        models = (
            "/".join(
                filter(None, (chain.provider_settings.get("caption_model"), chain.provider_settings.get("image_model")))
            )
            or chain.provider
        )
        return f"{chain.detail} · {chain.mode} · {models}"

    return label


@require_safe
def compare(request):
    form = CompareForm(request.GET)
    values = form.values(request.GET)
    chains = chains_for_compare(slugs=values["slugs"])
    if values["align"] == "lineage":
        series = lineage_similarity_series(chains, metric=values["metric"], scale=values["scale"])
    else:
        series = similarity_series(chains, metric=values["metric"], scale=values["scale"])
    origin = "its lineage's origin" if values["align"] == "lineage" else "the origin"
    label = f"{METRICS[values['metric']].lower()[:-1]} similarity to {origin} ({SCALES[values['scale']].lower()})"
    return render(
        request,
        "gallery/compare.html",
        {
            "form": form,
            "chains": chains,
            "metric": values["metric"],
            "scale": values["scale"],
            "align": values["align"],
            "aligns": ALIGNS,
            "missing": len(set(values["slugs"])) - len(chains),
            "max_chains": COMPARE_MAX_CHAINS,
            "slugs": [chain.slug for chain in chains],
            "metrics": METRICS,
            "scales": SCALES,
            "chart": overlay_drift_svg(series=series, value_label=label, legend=False, **OVERLAY_SIZE)
            if chains
            else "",
            "legend": overlay_legend(series),
        },
    )


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
        series = similarity_series(chains, metric="caption", scale="calibrated", label=_setting_labeller(experiment))
        context = {
            "experiment": experiment,
            "chains": chains,
            "filmstrips": experiment_filmstrips(chains=chains),
            "chart": overlay_drift_svg(
                series=series,
                title="How fast each setting drifts",
                value_label="calibrated caption similarity to the origin",
                legend=False,
                **OVERLAY_SIZE,
            ),
            "legend": overlay_legend(series),
            "compare_slugs": [chain.slug for chain in chains[:COMPARE_MAX_CHAINS]],
        }
        current = _atlas_of(chains)
        if current is not None:
            context.update(
                map_context(
                    atlas=current,
                    attractors=list(atlas_attractors(atlas=current)),
                    view=None,
                    trails=chains,
                    grey_limit=GREY_LIMIT,
                    colour_trails=True,
                    plot_id="experiment-map",
                )
            )
        return render(request, "gallery/experiment_detail.html", context)

    return anonymous_cached(request, version_key=f"experiment:{public_version()}", build=build)


def _atlas_of(chains) -> Atlas | None:
    spaces = {chain.provider_settings.get("embedding_model", "") for chain in chains}
    return atlas_current(space=next(iter(spaces))) if len(spaces) == 1 else atlas_current()


@role_required(may_start_experiments)
@require_http_methods(["GET", "HEAD", "POST"])
def experiment_new(request):
    """Researchers only (gallery.roles): an experiment spends one run per setting, on the
    paid models too."""
    form = ExperimentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            image = data["image"].read() if data.get("image") else _chain_image(data["from_chain"])
            experiment = experiment_create(
                image=image,
                details=data["details"],
                modes=data["modes"],
                models=data["models"],
                target_length=data["target_length"],
                theme=data["theme"],
                title=data["title"],
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


class _Echo:
    """What csv.writer writes to: each row comes back as text, to stream."""

    def write(self, value):
        return value


@require_safe
def research_csv(request):
    """Every public step with its metrics, streamed so 20,000 rows never sit in memory."""
    writer = csv.writer(_Echo())
    rows = research_csv_rows(steps=research_steps(), baselines=baselines(), parent_slugs=public_chain_slugs())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="image-telephone-steps.csv"'
    return response


@require_safe
def about(request):
    def build():
        current = atlas_current()
        return render(
            request,
            "gallery/about.html",
            {"baselines": list(baselines().values()), "atlas": current, "spaces": Atlas.objects.count()},
        )

    return anonymous_cached(request, version_key=f"about:{public_version()}", build=build)
