"""What a provider call cost, from the model catalogue and the usage the answer reported.

Every figure carries where its price came from (`Charge.source`, e.g. "OpenAI API
pricing ..., 2026-04-29") and whether it is an estimate. The rules:
- a known model on a paid endpoint (OpenAI or a gateway) costs what its usage says:
  tokens for captions, embeddings and GPT image models, per picture for DALL·E;
- a model with no known price on a paid endpoint is counted at the conservative
  configured price (TELEPHONE_UNKNOWN_IMAGE_PRICE_USD per picture,
  TELEPHONE_UNKNOWN_TOKEN_PRICE_USD per million tokens) and marked estimated:
  an unknown model is never free;
- a self-hosted server costs 0 unless the operator sets its price
  (TELEPHONE_SELF_HOSTED_IMAGE_PRICE_USD, TELEPHONE_SELF_HOSTED_TOKEN_PRICE_USD).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .providers import catalogue
from .providers.endpoints import OFFLINE, SELF_HOSTED, is_paid

MILLION = Decimal(1_000_000)
ZERO = Decimal("0")

UNKNOWN_IMAGE_SOURCE = "estimate: no known price, TELEPHONE_UNKNOWN_IMAGE_PRICE_USD per picture"
UNKNOWN_TOKEN_SOURCE = "estimate: no known price, TELEPHONE_UNKNOWN_TOKEN_PRICE_USD per million tokens"
NO_USAGE_SOURCE = "estimate: the answer reported no usage; typical tokens at {label}"
SELF_HOSTED_FREE = "self-hosted server: free (no TELEPHONE_SELF_HOSTED_*_PRICE_USD set)"
SELF_HOSTED_IMAGE_SOURCE = "operator price: TELEPHONE_SELF_HOSTED_IMAGE_PRICE_USD per picture"
SELF_HOSTED_TOKEN_SOURCE = "operator price: TELEPHONE_SELF_HOSTED_TOKEN_PRICE_USD per million tokens"
OFFLINE_SOURCE = "offline backend: free"


@dataclass(frozen=True)
class Charge:
    cost: Decimal
    source: str
    estimated: bool = False


FREE_OFFLINE = Charge(ZERO, OFFLINE_SOURCE)


def _setting(name: str) -> Decimal:
    return Decimal(str(getattr(settings, name)))


# --- text: captions and embeddings ----------------------------------------------------


def charge_text(*, role: str, model: str, endpoint: str, input_tokens: int, output_tokens: int = 0) -> Charge:
    """A caption (input + output tokens) or an embedding (input tokens only)."""
    if not is_paid(endpoint):
        return _self_hosted_tokens(input_tokens + output_tokens, endpoint)
    prices = catalogue.lookup(model, role=role).prices
    if prices is None or prices.tokens is None:
        return Charge(
            _setting("TELEPHONE_UNKNOWN_TOKEN_PRICE_USD") * (input_tokens + output_tokens) / MILLION,
            UNKNOWN_TOKEN_SOURCE,
            estimated=True,
        )
    cost = prices.tokens.text_input * input_tokens + prices.tokens.text_output * output_tokens
    return Charge(cost / MILLION, prices.label)


def _self_hosted_tokens(tokens: int, endpoint: str) -> Charge:
    if endpoint == OFFLINE:
        return FREE_OFFLINE
    price = _setting("TELEPHONE_SELF_HOSTED_TOKEN_PRICE_USD")
    if not price:
        return Charge(ZERO, SELF_HOSTED_FREE)
    return Charge(price * tokens / MILLION, SELF_HOSTED_TOKEN_SOURCE)


# --- pictures -------------------------------------------------------------------------


def charge_image(
    *, model: str, endpoint: str, quality: str = "", size: str = "", usage: dict | None = None, images: int = 1
) -> Charge:
    """One generation call: token usage for GPT image models, a per-picture price for DALL·E."""
    if not is_paid(endpoint):
        return _self_hosted_images(images, endpoint)
    spec = catalogue.lookup(model, role="image")
    prices = spec.prices
    if prices is not None and prices.tokens is not None:
        if usage:
            return Charge(image_token_cost(prices.tokens, usage), prices.label)
        return _typical_tokens(prices, quality, images)
    per_image = _per_image_price(prices, quality, size)
    if per_image is not None:
        return Charge(per_image * images, prices.label)
    return Charge(_setting("TELEPHONE_UNKNOWN_IMAGE_PRICE_USD") * images, UNKNOWN_IMAGE_SOURCE, estimated=True)


def image_token_cost(prices: catalogue.TokenPrices, usage: dict) -> Decimal:
    """Cost of a GPT image answer from its `usage` block, as the SDK's `Usage` type spells it.

    Input splits into text and image tokens (`input_tokens_details`); output is image
    tokens, plus any text tokens the model reports in `output_tokens_details`.
    """
    input_details = usage.get("input_tokens_details") or {}
    output_details = usage.get("output_tokens_details") or {}
    input_tokens = int(usage.get("input_tokens") or 0)
    image_in = int(input_details.get("image_tokens") or 0)
    text_in = int(input_details.get("text_tokens", input_tokens - image_in) or 0)
    output_tokens = int(usage.get("output_tokens") or 0)
    text_out = int(output_details.get("text_tokens") or 0)
    image_out = int(output_details.get("image_tokens", output_tokens - text_out) or 0)
    cost = (
        prices.text_input * text_in
        + prices.image_input * image_in
        + prices.image_output * image_out
        + prices.text_output * text_out
    )
    return cost / MILLION


def _typical_tokens(prices: catalogue.Prices, quality: str, images: int) -> Charge:
    tokens = prices.typical_output_tokens.get(quality) or max(prices.typical_output_tokens.values(), default=0)
    if not tokens:
        return Charge(_setting("TELEPHONE_UNKNOWN_IMAGE_PRICE_USD") * images, UNKNOWN_IMAGE_SOURCE, estimated=True)
    cost = prices.tokens.image_output * tokens * images / MILLION
    return Charge(cost, NO_USAGE_SOURCE.format(label=prices.label), estimated=True)


def _per_image_price(prices: catalogue.Prices | None, quality: str, size: str) -> Decimal | None:
    if prices is None or not prices.per_image:
        return None
    return prices.per_image.get(f"{quality or 'standard'} {size or '1024x1024'}")


def _self_hosted_images(images: int, endpoint: str) -> Charge:
    if endpoint == OFFLINE:
        return FREE_OFFLINE
    price = _setting("TELEPHONE_SELF_HOSTED_IMAGE_PRICE_USD")
    if not price:
        return Charge(ZERO, SELF_HOSTED_FREE)
    return Charge(price * images, SELF_HOSTED_IMAGE_SOURCE)


# --- before a chain runs ----------------------------------------------------------------


def estimate_image(*, snapshot: dict) -> Charge:
    """What one picture of a chain will cost, before any answer reports its usage."""
    return charge_image(
        model=snapshot.get("image_model", ""),
        endpoint=snapshot.get("image_endpoint", OFFLINE),
        quality=snapshot.get("image_quality", ""),
        size=snapshot.get("image_size", ""),
        usage=None,
    )


def estimate_caption(*, snapshot: dict, input_tokens: int, output_tokens: int) -> Charge:
    return charge_text(
        role="caption",
        model=snapshot.get("caption_model", ""),
        endpoint=snapshot.get("caption_endpoint", OFFLINE),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
    )


def can_spend(snapshot: dict) -> bool:
    """Whether a chain's calls may cost money, i.e. whether the daily budget applies to it."""
    for role in ("caption", "image", "embedding"):
        endpoint = snapshot.get(f"{role}_endpoint", "")
        if is_paid(endpoint):
            return True
        if endpoint == SELF_HOSTED and (
            _setting("TELEPHONE_SELF_HOSTED_IMAGE_PRICE_USD") or _setting("TELEPHONE_SELF_HOSTED_TOKEN_PRICE_USD")
        ):
            return True
    return False
