"""Chains of telephone and their steps.

A chain owns an ordered run of steps; step 0 is the starting image and step N was
painted from step N-1's caption. All state needed to resume a chain lives in these
rows (which step exists, which has its caption and embedding), so the loop can be
rebuilt from the database after any crash.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from ..failures import public_message
from ..modes import MODES

SLUG_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def new_slug() -> str:
    """Short, unguessable and unambiguous: unlisted chains are shared by this slug."""
    return "".join(secrets.choice(SLUG_ALPHABET) for _ in range(10))


def new_seed() -> int:
    return secrets.randbelow(2**31)


class Mode(models.TextChoices):
    TELEPHONE = "telephone", "Telephone"
    MORE = "more", "Make it more…"
    STORY = "story", "Story"


assert tuple(Mode.values) == MODES, "chains.modes and Mode choices must agree"


class Detail(models.TextChoices):
    SOMEWHAT = "somewhat", "Somewhat detailed"
    VERY = "very", "Very detailed"
    EXCESSIVELY = "excessively", "Excessively detailed"
    OBSESSIVELY = "obsessively", "Obsessively detailed"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    HELD = "held", "Held for review"


ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
# Chains that may still spend: their unused reservation counts against the budget.
OPEN_STATUSES = (Status.QUEUED, Status.RUNNING, Status.PAUSED, Status.HELD)


class Screening(models.TextChoices):
    """Where a generated picture stands with screening; only some states are public."""

    PENDING = "pending", "Waiting for screening"
    PASSED = "passed", "Passed screening"
    FLAGGED = "flagged", "Flagged by screening"
    OFF = "off", "Not screened (TELEPHONE_MODERATOR=none)"


PUBLISHABLE_SCREENING = (Screening.PASSED, Screening.OFF)
ENDED_STATUSES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    UNLISTED = "unlisted", "Unlisted (link only)"
    PRIVATE = "private", "Private"


LINK_VISIBILITIES = (Visibility.PUBLIC, Visibility.UNLISTED)


def listed_q(relation: str = "") -> models.Q:
    """The one visibility rule: a chain is listed to visitors when it is public and
    staff have not hidden it. Lists, media, the atlas, exports and the caches all ask
    this (through `listed()`, `Step.objects.public()`, `Chain.is_listed` or, across a
    relation such as "chain" or "entries__chain", this Q), so a hidden chain
    disappears from every page at once."""
    prefix = f"{relation}__" if relation else ""
    return models.Q(**{f"{prefix}visibility": Visibility.PUBLIC, f"{prefix}is_hidden": False})


def linkable_q(relation: str = "") -> models.Q:
    """Anyone holding the link may open the chain: public or unlisted, never hidden."""
    prefix = f"{relation}__" if relation else ""
    return models.Q(**{f"{prefix}visibility__in": LINK_VISIBILITIES, f"{prefix}is_hidden": False})


class ChainQuerySet(models.QuerySet):
    def visible_by_link(self):
        """Chains anyone holding the link may open (`linkable_q`)."""
        return self.filter(linkable_q())

    def listed(self):
        """Chains that may be listed to anonymous visitors (`listed_q`)."""
        return self.filter(listed_q())

    def active(self):
        """Chains the loop should be working on."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def ended(self):
        return self.filter(status__in=ENDED_STATUSES)


class Chain(models.Model):
    slug = models.SlugField(max_length=16, unique=True, default=new_slug, editable=False)
    title = models.CharField(max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="chains"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.TELEPHONE)
    detail = models.CharField(max_length=16, choices=Detail.choices, default=Detail.VERY)
    theme = models.CharField(
        max_length=200,
        blank=True,
        help_text="The quality to exaggerate in 'more' mode, or the premise in 'story' mode.",
    )
    target_length = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="How many images to paint after the starting one.",
    )
    seed = models.PositiveIntegerField(default=new_seed)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_hidden = models.BooleanField(default=False, help_text="Hidden by staff moderation.")
    is_featured = models.BooleanField(default=False)
    featured_order = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="branches")
    fork_step = models.ForeignKey("Step", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks")
    provider = models.CharField(max_length=100, default="local")
    provider_settings = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True, help_text="For staff: the provider's words, keys masked.")
    error_kind = models.CharField(max_length=32, blank=True, help_text="Chooses the public sentence.")
    error_role = models.CharField(max_length=16, blank=True)
    reserved_cost = models.DecimalField(
        max_digits=14,
        decimal_places=8,
        default=Decimal("0"),
        help_text="Budget reserved when the chain was created; what it has not spent is released when it ends.",
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(null=True, blank=True)

    # The work claim: one worker at a time may run a phase of this chain.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)

    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    embedding_tokens = models.PositiveIntegerField(default=0)
    images_generated = models.PositiveIntegerField(default=0)
    # Token-priced calls cost fractions of a cent: eight places keep sums exact.
    estimated_cost = models.DecimalField(max_digits=16, decimal_places=8, default=Decimal("0"))

    # Drift figures kept on the chain so lists can show and sort by them cheaply.
    drift = models.FloatField(
        null=True, blank=True, db_index=True, help_text="Mean over steps of 1 − caption similarity to the origin."
    )
    drift_curve = models.JSONField(default=list, blank=True, help_text="Caption similarity to the origin, per step.")
    projection = models.JSONField(
        default=list, blank=True, help_text="2-D positions of the captions, one [x, y] per step."
    )

    objects = ChainQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=("status", "claimed_until")),
            models.Index(fields=("visibility", "is_hidden", "-created_at")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_length__gte=1) & models.Q(target_length__lte=200),
                name="chain_target_length_range",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Chain {self.slug}"

    def get_absolute_url(self) -> str:
        return reverse("gallery:chain_detail", kwargs={"slug": self.slug})

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def is_listed(self) -> bool:
        """`listed_q` for a chain already loaded."""
        return self.visibility == Visibility.PUBLIC and not self.is_hidden

    @property
    def is_visible_by_link(self) -> bool:
        """`linkable_q` for a chain already loaded."""
        return self.visibility in LINK_VISIBILITIES and not self.is_hidden

    def is_visible_to(self, user) -> bool:
        """Its link works for anyone; a private or hidden chain only for its owner and staff."""
        if self.is_visible_by_link or getattr(user, "is_staff", False):
            return True
        return self.owner_id is not None and self.owner_id == getattr(user, "pk", None)

    @property
    def public_error(self) -> str:
        """The fixed sentence visitors see for a failure; staff read `error_message`.

        A pause or a hold carries the engine's own sentence (no provider text), shown
        as it is; anything else a provider said stays with staff.
        """
        if not self.error_message and not self.error_kind:
            return ""
        if not self.error_kind and self.status in (Status.PAUSED, Status.HELD):
            return self.error_message
        return public_message(kind=self.error_kind, role=self.error_role)


class StepQuerySet(models.QuerySet):
    def public(self):
        """Steps visitors may see anywhere: those of listed chains (`listed_q`), once published."""
        return self.filter(listed_q("chain")).published()

    def published(self):
        """Steps anyone but staff may see: their picture passed screening (or screening is off).

        Captions need no such filter: `caption` is only written once it passed, and
        embeddings, similarities and the atlas all come after the caption.
        """
        return self.filter(image_screen__in=PUBLISHABLE_SCREENING)


class Step(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveSmallIntegerField(help_text="0 is the starting image.")

    image = models.ImageField(upload_to="chains/")
    thumbnail_tiny = models.ImageField(upload_to="chains/", blank=True)
    thumbnail_small = models.ImageField(upload_to="chains/", blank=True)
    thumbnail_large = models.ImageField(upload_to="chains/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    caption = models.TextField(blank=True, help_text="Only ever a caption that passed screening.")
    caption_draft = models.TextField(
        blank=True, help_text="A caption waiting for screening: staff only until it passes."
    )
    caption_model = models.CharField(max_length=100, blank=True)
    caption_request_id = models.CharField(max_length=120, blank=True)
    paint_prompt = models.TextField(blank=True, help_text="The prompt sent to the painter.")
    prompt_truncated = models.BooleanField(
        default=False, help_text="The caption was longer than the painter takes and was cut at a sentence."
    )
    revised_prompt = models.TextField(blank=True, help_text="The prompt the painter says it used.")
    image_model = models.CharField(max_length=100, blank=True)
    image_request_id = models.CharField(max_length=120, blank=True)
    image_params = models.JSONField(default=dict, blank=True)
    image_call = models.ForeignKey(
        "chains.ProviderCall",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The ledger row of the call whose answer this step's picture is.",
    )
    image_screen = models.CharField(
        max_length=16,
        choices=Screening.choices,
        default=Screening.PENDING,
        help_text="The picture is public only once screening passed.",
    )

    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=100, blank=True)
    embedding_dimension = models.PositiveIntegerField(default=0)
    embedding_request_id = models.CharField(max_length=120, blank=True)

    similarity_to_origin = models.FloatField(null=True, blank=True)
    similarity_to_previous = models.FloatField(null=True, blank=True)

    # The picture's own drift, beside the caption's (chains.metrics.descriptors).
    image_descriptor = models.BinaryField(
        null=True, blank=True, editable=False, help_text="Colour histogram + coarse layout of the image, float32 bytes."
    )
    image_similarity_to_origin = models.FloatField(null=True, blank=True)
    image_similarity_to_previous = models.FloatField(null=True, blank=True)

    paint_ms = models.PositiveIntegerField(null=True, blank=True)
    caption_ms = models.PositiveIntegerField(null=True, blank=True)
    embed_ms = models.PositiveIntegerField(null=True, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    embedding_tokens = models.PositiveIntegerField(default=0)
    images_generated = models.PositiveSmallIntegerField(default=0)
    estimated_cost = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal("0"))
    calls = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per provider call (caption, embedding, paint): backend, model, request id, the usage "
        "the server reported, cost and its price source.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    captioned_at = models.DateTimeField(null=True, blank=True)
    embedded_at = models.DateTimeField(null=True, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ("chain", "index")
        constraints = [models.UniqueConstraint(fields=("chain", "index"), name="unique_step_per_chain")]

    def __str__(self) -> str:
        return f"{self.chain} · step {self.index}"

    def get_absolute_url(self) -> str:
        return reverse("gallery:step_detail", kwargs={"slug": self.chain.slug, "index": self.index})

    @property
    def vector(self) -> np.ndarray | None:
        """The caption embedding as float32, or None before the embed phase ran."""
        if not self.embedding:
            return None
        return np.frombuffer(bytes(self.embedding), dtype=np.float32)


class AnimationFormat(models.TextChoices):
    GIF = "gif", "GIF"
    WEBP = "webp", "Animated WebP"
    MP4 = "mp4", "MP4 video"


class AnimationStatus(models.TextChoices):
    PENDING = "pending", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ChainAnimation(models.Model):
    """A rendered animation of a chain, cached in storage per set of options.

    `step_count` records how many steps it shows, so an animation of a chain that
    has since grown is known to be stale and made again.
    """

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="animations")
    format = models.CharField(max_length=8, choices=AnimationFormat.choices)
    width = models.PositiveSmallIntegerField()
    frame_ms = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=AnimationStatus.choices, default=AnimationStatus.PENDING)
    file = models.FileField(upload_to="animations/", blank=True)
    step_count = models.PositiveSmallIntegerField(default=0)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("chain", "format", "width", "frame_ms"), name="unique_animation_options")
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.format} {self.width}px {self.frame_ms}ms"
