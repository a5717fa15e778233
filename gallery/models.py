"""What people bring to the site: submissions, reports, stars and curated collections.

The engine (`chains`) knows nothing of people; these rows record who asked for what,
what staff decided, and why, so every public chain can be traced back to a reviewed
submission or a branch of a public chain.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from chains.models import Chain, Detail, Mode, Step


class PrivateStorage(LazyObject):
    """Pending images live where no public URL reaches them (see STORAGES["private"]).

    Lazy, like Django's default_storage, so the field follows the STORAGES setting
    instead of freezing the storage that existed when models were loaded.
    """

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class SubmissionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SubmissionStatus.PENDING)

    def created_since(self, moment):
        return self.filter(created_at__gte=moment)


class Submission(models.Model):
    """A starting image waiting for staff, kept in private storage until approved."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    image = models.FileField(storage=private_storage, upload_to="submissions/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=120)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.TELEPHONE)
    detail = models.CharField(max_length=16, choices=Detail.choices, default=Detail.VERY)
    theme = models.CharField(max_length=200, blank=True)
    target_length = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING, db_index=True
    )
    flagged = models.BooleanField(default=False, help_text="Flagged by automatic pre-screening.")
    flag_categories = models.CharField(max_length=300, blank=True)
    moderator_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_submissions"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    chain = models.OneToOneField(Chain, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_image_url(self) -> str:
        return reverse("gallery:submission_image", kwargs={"pk": self.pk})


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIONED = "actioned", "Actioned"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    """Something a person (or the automatic screen) thinks staff should look at."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="reports")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="Empty when raised by automatic pre-screening.",
    )
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING, db_index=True)
    moderator_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        target = f"step {self.step.index}" if self.step_id else "chain"
        return f"Report on {self.chain} {target} ({self.status})"


class ReportEvent(models.Model):
    """The audit trail: every change to a report, by whom and with what note."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        who = self.actor or "automatic screening"
        return f"{self.action} by {who}"


class Star(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stars")
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="stars")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "chain"), name="one_star_per_user")]


class Collection(models.Model):
    """A named, ordered, curated set of chains, shown on the site."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    chains = models.ManyToManyField(Chain, through="CollectionEntry", related_name="collections")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("order", "title")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("gallery:collection_detail", kwargs={"slug": self.slug})


class CollectionEntry(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="collection_entries")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position",)
        constraints = [models.UniqueConstraint(fields=("collection", "chain"), name="chain_once_per_collection")]

    def __str__(self) -> str:
        return f"{self.position}. {self.chain}"
