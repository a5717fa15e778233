"""The ledger of provider calls: one row per call that may cost money.

The row is written before the call (its intent, with the estimated cost already
counted) and completed after it (its outcome, usage and real cost), so a call whose
worker died, whose answer was lost or whose deadline passed still counts. Budgets
and every cost total are sums over these rows, never over steps: deleting or
re-running steps frees no budget, and a paid call that produced nothing still shows.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone


def new_call_token() -> str:
    return uuid.uuid4().hex


class CallRole(models.TextChoices):
    CAPTION = "caption", "Caption"
    IMAGE = "image", "Image"
    EMBEDDING = "embedding", "Embedding"
    MODERATION = "moderation", "Screening"


class CallOutcome(models.TextChoices):
    PENDING = "pending", "In flight"
    ANSWERED = "answered", "Answered, not yet stored"
    OK = "ok", "OK"
    FAILED = "failed", "Failed"
    TIMED_OUT = "timed_out", "Timed out"
    LOST = "lost", "Lost (paid, not used)"


# Outcomes whose cost may have been billed: everything but a refusal.
OPEN_OUTCOMES = (CallOutcome.PENDING, CallOutcome.ANSWERED)


class ProviderCallQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(started_at__gte=moment)

    def for_step(self, *, chain_id: int, role: str, step_index: int):
        return self.filter(chain_id=chain_id, role=role, step_index=step_index)


class ProviderCall(models.Model):
    """One call to a model server (or the offline backend), from intent to outcome.

    `token` is unique and random: it names the files an image answer is stored
    under, so a file can never be mistaken for another call's, another chain's or
    another database's. `cost` holds the estimate while the call is open and the
    cost from the answer's usage once it is known; a refusal costs nothing.
    """

    token = models.CharField(max_length=32, unique=True, default=new_call_token, editable=False)
    role = models.CharField(max_length=16, choices=CallRole.choices)
    backend = models.CharField(max_length=100, blank=True)
    server_host = models.CharField(max_length=255, blank=True)
    model = models.CharField(max_length=100, blank=True)
    chain = models.ForeignKey(
        "chains.Chain", null=True, blank=True, on_delete=models.SET_NULL, related_name="provider_calls"
    )
    step_index = models.PositiveSmallIntegerField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=16, choices=CallOutcome.choices, default=CallOutcome.PENDING, db_index=True)
    request_id = models.CharField(max_length=120, blank=True)
    requests = models.PositiveSmallIntegerField(default=0, help_text="HTTP requests the call made.")
    usage = models.JSONField(default=dict, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal("0"))
    cost_is_estimate = models.BooleanField(default=True)
    price_source = models.CharField(max_length=200, blank=True)
    answer_url = models.TextField(blank=True, help_text="A url answer, recorded before its download.")
    downloads = models.PositiveSmallIntegerField(default=0)
    stored_key = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    error_kind = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True, help_text="The provider's words, keys masked: for staff.")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    objects = ProviderCallQuerySet.as_manager()

    class Meta:
        ordering = ("-started_at", "-pk")
        indexes = [models.Index(fields=("chain", "role", "step_index"))]

    def __str__(self) -> str:
        where = f"step {self.step_index}" if self.step_index is not None else "no step"
        return f"{self.role} call {self.token[:8]} ({where}, {self.outcome})"


class BudgetDay(models.Model):
    """One row per day: the lock every admission of a new chain takes.

    Creating a chain checks the day's spend and every open reservation, then adds
    its own; with concurrent requests that read-check-write must be serialised.
    An UPDATE of this row is that mutex on PostgreSQL (a row lock held until
    commit) and on SQLite (the write lock, taken at BEGIN IMMEDIATE). `admissions`
    counts the chains admitted that day.
    """

    day = models.DateField(unique=True)
    admissions = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.admissions} chains admitted"
