"""The analysis tables in the admin: mostly to read (everything is recomputed from the
steps by `manage.py recompute_analysis`), plus the atlas job's last error."""

from django.contrib import admin

from ..models import Atlas, AtlasJob, Attractor, Baseline, ChainAnalysis, Experiment


@admin.register(Atlas)
class AtlasAdmin(admin.ModelAdmin):
    list_display = ("space", "point_count", "chain_count", "noise_count", "seconds", "version", "computed_at")
    readonly_fields = [field.name for field in Atlas._meta.fields]


@admin.register(Attractor)
class AttractorAdmin(admin.ModelAdmin):
    list_display = ("label", "atlas", "number", "size", "chain_count", "median_arrival")
    list_filter = ("atlas",)
    raw_id_fields = ("exemplar",)
    search_fields = ("label",)


@admin.register(AtlasJob)
class AtlasJobAdmin(admin.ModelAdmin):
    list_display = ("name", "dirty_since", "claimed_until", "runs", "last_finished_at", "last_seconds")
    readonly_fields = (
        "name",
        "dirty_since",
        "claimed_until",
        "claim_token",
        "runs",
        "last_started_at",
        "last_finished_at",
        "last_seconds",
        "last_error",
    )


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ("kind", "mean", "std", "p05", "p95", "pairs", "groups", "computed_at")


@admin.register(ChainAnalysis)
class ChainAnalysisAdmin(admin.ModelAdmin):
    list_display = (
        "chain",
        "calibrated_drift",
        "half_life",
        "convergence_step",
        "image_drift",
        "attractor",
        "arrival_step",
    )
    raw_id_fields = ("chain", "attractor")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "slug", "owner", "created_at")
    raw_id_fields = ("owner", "chains")
