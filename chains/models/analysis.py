"""What the drift analysis and the attractor atlas store.

The numbers are computed by `chains.metrics.drift` / `chains.metrics.atlas` (pure functions) and
written by `chains.services.analysis` / `chains.services.atlas`; these rows only keep
the results so pages read them instead of recomputing. Everything here can be rebuilt
from chains and steps with `manage.py recompute_analysis`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from .chain import Chain, Step, new_slug


class Baseline(models.Model):
    """How similar two *unrelated* captions (or images) are, for calibration.

    Embeddings are anisotropic: two captions about different pictures still score
    well above 0, so a raw cosine of 0.6 may mean "nothing in common". The mean
    similarity of pairs from unrelated chains is the zero point of the calibrated
    scale (see `chains.metrics.drift.calibrate`). One row per kind of vector: the caption
    embedding model, or the image descriptor recipe.
    """

    kind = models.CharField(max_length=150, unique=True)
    mean = models.FloatField()
    std = models.FloatField()
    p05 = models.FloatField()
    p50 = models.FloatField()
    p95 = models.FloatField()
    pairs = models.PositiveIntegerField()
    groups = models.PositiveIntegerField(help_text="Unrelated lineages the pairs were drawn from.")
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.mean:.3f} over {self.pairs} pairs"


class Atlas(models.Model):
    """One shared 2-D map of every public caption embedded by one model.

    Vectors from different embedding models live in different spaces, so each model
    gets its own atlas (`space`). `version` grows on every recompute and keys caches.
    """

    space = models.CharField(max_length=100, unique=True, help_text="The embedding model.")
    version = models.PositiveIntegerField(default=0)
    signature = models.CharField(
        max_length=32, blank=True, help_text="Digest of the inputs; an unchanged one skips the fit."
    )
    point_count = models.PositiveIntegerField(default=0)
    chain_count = models.PositiveIntegerField(default=0)
    noise_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    method = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "atlases"

    def __str__(self) -> str:
        return f"Atlas of {self.space} ({self.point_count} points)"


class Attractor(models.Model):
    """A dense region of the atlas where chains settle: a cluster of captions.

    Kept across recomputes when a new cluster is mostly the same captions as an old
    one (`chains.metrics.atlas.match_clusters`), so its page keeps its address.
    """

    atlas = models.ForeignKey(Atlas, on_delete=models.CASCADE, related_name="attractors")
    number = models.PositiveSmallIntegerField(help_text="1 = the largest; picks the map colour.")
    label = models.CharField(max_length=200)
    terms = models.JSONField(default=list, blank=True)
    exemplar = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    size = models.PositiveIntegerField(default=0, help_text="Captions in the cluster.")
    chain_count = models.PositiveIntegerField(default=0, help_text="Finished chains that end in it.")
    median_arrival = models.FloatField(null=True, blank=True, help_text="Median step at which those chains arrive.")
    x = models.FloatField(default=0.5)
    y = models.FloatField(default=0.5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("atlas", "number")

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("gallery:attractor_detail", kwargs={"pk": self.pk})


class AtlasPoint(models.Model):
    """Where one step's caption sits on its atlas, and the attractor it belongs to."""

    atlas = models.ForeignKey(Atlas, on_delete=models.CASCADE, related_name="points")
    step = models.OneToOneField(Step, on_delete=models.CASCADE, related_name="atlas_point")
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField()
    x = models.FloatField()
    y = models.FloatField()
    attractor = models.ForeignKey(Attractor, null=True, blank=True, on_delete=models.SET_NULL, related_name="points")

    class Meta:
        indexes = [models.Index(fields=("atlas", "chain", "index"))]


class ChainAnalysis(models.Model):
    """Chain-level drift figures beyond `Chain.drift`, refreshed as chains end and on
    every atlas recompute (calibration and attractors change as the data grows)."""

    chain = models.OneToOneField(Chain, primary_key=True, on_delete=models.CASCADE, related_name="analysis")
    calibrated_drift = models.FloatField(null=True, blank=True)
    half_life = models.PositiveSmallIntegerField(null=True, blank=True)
    convergence_step = models.PositiveSmallIntegerField(null=True, blank=True)
    image_drift = models.FloatField(null=True, blank=True)
    attractor = models.ForeignKey(
        Attractor, null=True, blank=True, on_delete=models.SET_NULL, related_name="chain_analyses"
    )
    arrival_step = models.PositiveSmallIntegerField(null=True, blank=True)
    projection_signature = models.CharField(max_length=32, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "chain analyses"


class AtlasJob(models.Model):
    """The debounce marker of the atlas recompute.

    `dirty_since` is set by the first chain that finishes after a recompute (and
    that chain alone enqueues the delayed task); the task claims the job with a
    conditional update that clears the marker, so any number of finishing chains
    cause one recompute, and a chain finishing *during* one causes exactly one more.
    """

    name = models.CharField(max_length=32, unique=True)
    dirty_since = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    runs = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_seconds = models.FloatField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Experiment(models.Model):
    """One starting image run through a grid of settings at once, to compare them."""

    slug = models.SlugField(max_length=16, unique=True, default=new_slug, editable=False)
    title = models.CharField(max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="experiments"
    )
    settings = models.JSONField(
        default=dict, blank=True, help_text="The grid asked for: details, modes, models, length, theme."
    )
    chains = models.ManyToManyField(Chain, related_name="experiments", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.title or f"Experiment {self.slug}"

    def get_absolute_url(self) -> str:
        return reverse("gallery:experiment_detail", kwargs={"slug": self.slug})


class AtlasIndex(models.Model):
    """Arrays kept beside an atlas for lookups that must not scan the database:
    similar steps (PCA-reduced unit caption vectors, see `chains.metrics.atlas.NeighbourIndex`)
    and "which point did the visitor click" (map positions). Loaded once per process
    per `token`, which changes on every recompute."""

    atlas = models.OneToOneField(Atlas, primary_key=True, on_delete=models.CASCADE, related_name="index")
    token = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)
    steps = models.BinaryField(help_text="int64 step ids, one per row.")
    chains = models.BinaryField(help_text="int64 chain ids, one per row.")
    points = models.BinaryField(help_text="float32 (n, 2) map positions.")
    mean = models.BinaryField(help_text="float32 PCA mean.")
    components = models.BinaryField(help_text="float32 (k, d) PCA components.")
    vectors = models.BinaryField(help_text="float16 (n, k) reduced unit vectors.")

    class Meta:
        verbose_name_plural = "atlas indexes"
