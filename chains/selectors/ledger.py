"""Reads of the ledger of provider calls: what was spent, per day and per chain."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from ..models import CallOutcome, ProviderCall


@dataclass(frozen=True)
class DailyCost:
    day: object
    role: str
    calls: int
    cost: Decimal
    lost: int
    timed_out: int
    failed: int


def ledger_daily_costs(*, days: int = 31, calls: QuerySet[ProviderCall] | None = None) -> list[DailyCost]:
    """Cost and call counts per day and role, newest day first (the admin's summary)."""
    calls = ProviderCall.objects.all() if calls is None else calls
    rows = (
        calls.annotate(day=TruncDate("started_at"))
        .values("day", "role")
        .annotate(
            calls=Count("pk"),
            cost=Sum("cost"),
            lost=Count("pk", filter=Q(outcome=CallOutcome.LOST)),
            timed_out=Count("pk", filter=Q(outcome=CallOutcome.TIMED_OUT)),
            failed=Count("pk", filter=Q(outcome=CallOutcome.FAILED)),
        )
        .order_by("-day", "role")
    )
    wanted_days: list = []
    result = []
    for row in rows:
        if row["day"] not in wanted_days:
            if len(wanted_days) == days:
                break
            wanted_days.append(row["day"])
        result.append(
            DailyCost(
                day=row["day"],
                role=row["role"],
                calls=row["calls"],
                cost=row["cost"] or Decimal("0"),
                lost=row["lost"],
                timed_out=row["timed_out"],
                failed=row["failed"],
            )
        )
    return result


def chain_ledger(*, chain_id: int) -> QuerySet[ProviderCall]:
    """A chain's calls in the order they were made: the per-step tracking view."""
    return ProviderCall.objects.filter(chain_id=chain_id).order_by("step_index", "role", "attempt")
