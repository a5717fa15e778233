"""The global daily budget of estimated spend, and reservations against it.

Spend is the sum over the ledger of provider calls started since midnight (UTC), each
priced from the model catalogue and the usage its answer reported (chains/costs.py):
calls in flight count at their estimate, answered ones at their real cost, and a
paid call whose result was lost still counts; deleting steps frees nothing.

Creating a chain reserves its estimated cost (`budget_reserve`, under a lock): a new
chain must fit beside today's spend and what every open chain reserved but has not
spent yet. A chain that ends releases what it did not use. At the budget, running
chains pause; the reconciler resumes them once a new day brings budget back. A
budget of 0 means no limit (the offline provider costs nothing anyway).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from . import costs
from .errors import UserFacingError
from .models import OPEN_STATUSES, BudgetDay, Chain, ProviderCall

BUDGET_REACHED = "Today's budget for new pictures is used up. Please try again tomorrow."
BUDGET_PAUSED = "Paused: today's spending budget is used up. The chain resumes when budget is available."


class BudgetExceeded(UserFacingError):
    """A new chain that today's budget (with every open reservation) cannot fit."""


def daily_budget() -> Decimal:
    return Decimal(str(settings.TELEPHONE_DAILY_BUDGET_USD))


def start_of_today():
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def spent_today() -> Decimal:
    total = ProviderCall.objects.since(start_of_today()).aggregate(total=Sum("cost"))
    return total["total"] or Decimal("0")


def budget_exhausted() -> bool:
    budget = daily_budget()
    return budget > 0 and spent_today() >= budget


def estimate_chain_cost(*, snapshot: dict, target_length: int) -> Decimal:
    """A rough upper estimate: one picture and one caption of ~1,000 + 400 tokens per step."""
    image = costs.estimate_image(snapshot=snapshot).cost * target_length
    caption = costs.estimate_caption(
        snapshot=snapshot, input_tokens=1000 * (target_length + 1), output_tokens=400 * (target_length + 1)
    ).cost
    return image + caption


def outstanding_reservations() -> Decimal:
    """What open chains (queued, running, paused, held) reserved and have not spent yet."""
    unspent = Greatest(
        F("reserved_cost") - F("estimated_cost"),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=14, decimal_places=8),
    )
    total = Chain.objects.filter(status__in=OPEN_STATUSES).aggregate(total=Sum(unspent))["total"]
    return total or Decimal("0")


def budget_allows(*, estimated: Decimal) -> bool:
    """Whether `estimated` fits beside today's spend and every open reservation.

    Free work (an estimate of 0) always fits: the offline provider costs nothing.
    A check alone decides nothing under concurrency; `budget_reserve` does.
    """
    budget = daily_budget()
    if budget <= 0 or estimated <= 0:
        return True
    return spent_today() + outstanding_reservations() + estimated <= budget


def admission_lock() -> None:
    """Serialise admissions of new chains until the current transaction ends.

    The read-check-write of quotas and budget must not interleave between two
    requests, or both see room for one. An UPDATE of today's `BudgetDay` row is a
    lock on PostgreSQL and SQLite alike; it must run inside `transaction.atomic()`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("admission_lock() needs a transaction")
    today = timezone.now().date()
    if not BudgetDay.objects.filter(day=today).update(admissions=F("admissions") + 1):
        BudgetDay.objects.get_or_create(day=today)
        BudgetDay.objects.filter(day=today).update(admissions=F("admissions") + 1)


def budget_reserve(*, estimated: Decimal) -> Decimal:
    """Take the admission lock and check that `estimated` fits; the caller stores it on the chain.

    Raises BudgetExceeded when it does not. The reservation is the chain's
    `reserved_cost`: it counts against the budget until the chain ends.
    """
    admission_lock()
    if not budget_allows(estimated=estimated):
        raise BudgetExceeded(BUDGET_REACHED)
    return estimated
