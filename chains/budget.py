"""The global daily budget of estimated spend.

Spend is the sum over the ledger of provider calls started since midnight (UTC), each
priced from the model catalogue and the usage its answer reported (chains/costs.py):
calls in flight count at their estimate, answered ones at their real cost, and a
paid call whose result was lost still counts; deleting steps frees nothing. At the
budget, new chains are refused and running chains pause; the reconciler resumes them
once a new day brings budget back. A budget of 0 means
no limit (the offline provider costs nothing anyway).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from . import costs
from .models import ProviderCall

BUDGET_REACHED = "Today's budget for new pictures is used up. Please try again tomorrow."
BUDGET_PAUSED = "Paused: today's spending budget is used up. The chain resumes when budget is available."


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
        snapshot=snapshot, input_tokens=1000 * (target_length + 1), output_tokens=400 * (target_length + 1),
    ).cost
    return image + caption


def budget_allows(*, estimated: Decimal) -> bool:
    budget = daily_budget()
    return budget <= 0 or spent_today() + estimated <= budget
