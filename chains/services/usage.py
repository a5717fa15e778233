"""What a step records about each provider call: who answered, what it reported, what it cost.

Kept on the step (`Step.calls`) beside the totals, so staff can read usage and cost
per call, and each cost names its price source and whether it is an estimate.
"""

from __future__ import annotations

from ..providers.base import Billing

# The step's phases and the snapshot role each one used.
CALL_ROLES = {"caption": "caption", "embedding": "embedding", "paint": "image"}


def call_record(*, snapshot: dict, call: str, result: Billing, model: str, request_id: str) -> dict:
    role = CALL_ROLES[call]
    return {
        "backend": snapshot.get(f"{role}_backend", ""),
        "server": snapshot.get(f"{role}_server", ""),
        "model": model,
        "request_id": request_id,
        "usage": result.usage,
        "cost": str(result.cost),
        "price_source": result.price_source,
        "estimated": result.estimated,
    }


def with_call(calls: dict | None, name: str, record: dict) -> dict:
    return {**(calls or {}), name: record}
