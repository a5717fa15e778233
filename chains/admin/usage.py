"""What each provider call used and cost, for staff: a step's calls, a chain's roles and calls.

Every cost is shown with its price source and, when it is an estimate (a model with
no known price, or an answer that reported no usage), says so. Servers are shown
here, to staff only; they never leave the admin.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join

from ..providers import ROLES

CALL_ORDER = ("paint", "caption", "embedding")
USAGE_FIELDS = (
    "prompt_tokens",
    "completion_tokens",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "attempts",
    "served_model",
    "seed",
    "sd_model_name",
)
TABLE = (
    '<div class="telephone-calls-wrap"><table class="telephone-calls"><thead><tr>{}</tr></thead>'
    "<tbody>{}</tbody></table></div>"
)
# static/css/admin-telephone.css: the tables scroll inside their field on a phone.
ADMIN_CSS = {"all": ["css/admin-telephone.css"]}
# Five columns, so the table fits the admin's form width; details go under each figure.
CALL_ROW = (
    "<tr><td>step {}<br>{}</td><td>{}<br><small>{} · {}</small></td><td>{}</td>"
    "<td><small>{}</small></td><td>{}<br><small>{}</small></td></tr>"
)
NO_CALLS = "No provider calls recorded."


def usage_summary(usage: dict) -> str:
    """The counts that matter, flattened: `input_tokens_details.image_tokens=0` and the like."""
    parts = [f"{key}={usage[key]}" for key in USAGE_FIELDS if key in usage]
    for group in ("input_tokens_details", "output_tokens_details", "completion_tokens_details"):
        for key, value in (usage.get(group) or {}).items():
            parts.append(f"{group.split('_')[0]}.{key}={value}")
    return ", ".join(parts) or "—"


def cost_text(record: dict) -> str:
    cost = Decimal(record.get("cost") or "0")
    return f"${cost:.6f}" + (" (estimated)" if record.get("estimated") else "")


def calls_rows(steps) -> list[tuple]:
    """One row per call: where (step, call), who (model, backend, server), what it used and cost."""
    rows = []
    for step in steps:
        for name in CALL_ORDER:
            record = (step.calls or {}).get(name)
            if record:
                rows.append(
                    (
                        step.index,
                        name,
                        record.get("model", ""),
                        record.get("backend", ""),
                        record.get("server", "") or "—",
                        record.get("request_id", "") or "—",
                        usage_summary(record.get("usage") or {}),
                        cost_text(record),
                        record.get("price_source", ""),
                    )
                )
    return rows


def calls_table(steps) -> str:
    rows = calls_rows(steps)
    if not rows:
        return NO_CALLS
    head = format_html_join("", "<th>{}</th>", ((label,) for label in ("call", "model", "request id", "usage", "cost")))
    body = format_html_join("", CALL_ROW, rows)
    return format_html(TABLE, head, body)


def roles_table(snapshot: dict) -> str:
    rows = [
        (
            role,
            snapshot.get(f"{role}_backend", "—"),
            snapshot.get(f"{role}_server", "—"),
            snapshot.get(f"{role}_model", "—"),
            snapshot.get(f"{role}_endpoint", "—"),
        )
        for role in ROLES
    ]
    head = format_html_join(
        "", "<th>{}</th>", ((label,) for label in ("role", "backend", "server", "model", "endpoint"))
    )
    return format_html(TABLE, head, format_html_join("", "<tr>" + "<td>{}</td>" * 5 + "</tr>", rows))
