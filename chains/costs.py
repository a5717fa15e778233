"""Estimated spend, from the price table in settings.

Estimates, not invoices: they let staff watch cost per chain and let a daily budget
stop new work before the real bill arrives. Models missing from the table (the
offline provider, self-hosted servers) cost nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

MILLION = Decimal(1_000_000)


def _prices(model: str) -> dict:
    return settings.TELEPHONE_PRICES.get(model, {})


def caption_cost(*, model: str, input_tokens: int, output_tokens: int) -> Decimal:
    prices = _prices(model)
    cost = Decimal(str(prices.get("input_per_million", 0))) * input_tokens
    cost += Decimal(str(prices.get("output_per_million", 0))) * output_tokens
    return cost / MILLION


def embedding_cost(*, model: str, tokens: int) -> Decimal:
    return Decimal(str(_prices(model).get("input_per_million", 0))) * tokens / MILLION


def image_cost(*, model: str, quality: str, images: int) -> Decimal:
    per_image = _prices(model).get("per_image", {})
    price = per_image.get(quality) or per_image.get("standard") or 0
    return Decimal(str(price)) * images


def is_priced(snapshot: dict) -> bool:
    """Whether any model a chain uses has a price, i.e. whether it can spend money."""
    return any(snapshot.get(role) in settings.TELEPHONE_PRICES
               for role in ("caption_model", "image_model", "embedding_model"))
