"""A doctor for operators: for each role, what it would use, whether that can work, and why not.

Reads the same snapshot a chain started now would record, runs the same problem
checks as `manage.py check`, asks each server whether it lists the model, and with
`live` makes one smallest real call per role. Every failure comes with the fix in
words. `manage.py providers_check` prints these reports.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import date

from PIL import Image

from . import (
    NO_SCREENING,
    ROLES,
    backend_module,
    build_role,
    catalogue,
    current_snapshot,
    resolve_role,
    role_config_from,
)
from .base import CaptionRequest, PaintRequest, ProviderError
from .endpoints import SELF_HOSTED
from .problems import SCREENING_OFF_ID, warning
from .unscreened import SCREENING_OFF

LISTING_TIMEOUT = 5.0
LIVE_PROMPT = "A small red circle on a white background."
LIVE_TEXT = "telephone"

FIX_UNREACHABLE = "Start the server at {server}, or correct the role's base URL setting."
FIX_NOT_LISTED = "{server} does not serve {model!r}: load or pull it there, or pick one it lists: {listed}."
FIX_LIVE = "The test call failed: {message}"
CATALOGUE_CURRENT = "current"
CATALOGUE_RETIRING = "shuts down {date}, move to {replacement}"
CATALOGUE_RETIRED = "RETIRED {date}, use {replacement}"
CATALOGUE_UNKNOWN = "not in the catalogue: conservative parameters"
CATALOGUE_ALIAS = "self-hosted alias of {model}"
NOT_APPLICABLE = "n/a"


@dataclass
class RoleReport:
    role: str
    backend: str
    server: str = ""
    model: str = ""
    catalogue: str = NOT_APPLICABLE
    listed: str = NOT_APPLICABLE
    live: str = ""
    seconds: float = 0.0
    problems: list = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    failed: bool = False

    def fail(self, fix: str) -> None:
        self.failed = True
        self.fixes.append(fix)


def diagnose(*, live: bool = False, roles: tuple[str, ...] = ROLES, today: date) -> list[RoleReport]:
    """Only the roles asked for are resolved, so checking one role imports only its backend."""
    return [diagnose_role(role, live=live, today=today) for role in roles]


def diagnose_role(role: str, *, live: bool, today: date) -> RoleReport:
    started = time.perf_counter()
    name, config = resolve_role(role)
    config = config if config is not None else role_config_from(current_snapshot().snapshot, role)
    snapshot = {f"{role}_backend": name, **{f"{role}_{key}": value for key, value in config.items()}}
    report = RoleReport(role=role, backend=name, server=config.get("server", ""), model=config.get("model", ""))
    module = backend_module(name)
    _check_problems(report, module, config, today)
    if role == "moderation" and name == NO_SCREENING:
        report.problems.append(warning(role, SCREENING_OFF, id=SCREENING_OFF_ID))
    if name == "openai":
        report.catalogue = catalogue_status(role, config, today)
    _check_listing(report, module, config)
    if live and not report.failed:
        _live_call(report, snapshot)
    report.seconds = time.perf_counter() - started
    return report


def catalogue_status(role: str, config: dict, today: date) -> str:
    spec = catalogue.lookup(config.get("model", ""), role=role)
    if not spec.known:
        return CATALOGUE_UNKNOWN
    if config.get("endpoint") == SELF_HOSTED:
        return CATALOGUE_ALIAS.format(model=spec.id)
    status = spec.status_on(today)
    if status == "current":
        return CATALOGUE_CURRENT
    template = CATALOGUE_RETIRED if status == "retired" else CATALOGUE_RETIRING
    return template.format(date=spec.shutdown.on.isoformat(), replacement=spec.shutdown.replacement)


def _check_problems(report: RoleReport, module, config: dict, today: date) -> None:
    check = getattr(module, "problems", None)
    for problem in check(report.role, config, today) if check else ():
        report.problems.append(problem)
        if problem.is_error:
            report.fail(f"{problem.message} {problem.hint}".strip())


def _check_listing(report: RoleReport, module, config: dict) -> None:
    lister = getattr(module, "list_models", None)
    if lister is None or report.failed:
        return
    try:
        listed = lister(report.role, config, timeout=LISTING_TIMEOUT)
    except ProviderError as failure:
        if failure.permanent:
            report.listed = f"no listing ({failure.message})"
            return
        report.listed = "unreachable"
        report.fail(FIX_UNREACHABLE.format(server=report.server) + f" ({failure.message})")
        return
    matcher = getattr(module, "model_listed", None)
    found = matcher(config, listed) if matcher else report.model in listed
    report.listed = "yes" if found else "no"
    if not found:
        shown = ", ".join(listed[:8]) + (" ..." if len(listed) > 8 else "") or "nothing"
        report.fail(FIX_NOT_LISTED.format(server=report.server, model=report.model, listed=shown))


def _live_call(report: RoleReport, snapshot: dict) -> None:
    started = time.perf_counter()
    try:
        role = build_role(report.role, snapshot=live_snapshot(report.role, snapshot))
        outcome = LIVE_CALLS[report.role](role)
    except ProviderError as failure:
        report.live = "failed"
        report.fail(FIX_LIVE.format(message=failure.message))
        return
    report.live = f"ok in {time.perf_counter() - started:.2f} s: {outcome}"


def live_snapshot(role: str, snapshot: dict) -> dict:
    """The cheapest honest call: low quality pictures, a single sampling step."""
    smaller = dict(snapshot)
    if role == "image" and snapshot.get("image_backend") == "openai":
        spec = catalogue.lookup(snapshot.get("image_model", ""), role="image")
        if "low" in spec.allowed("quality"):
            smaller["image_quality"] = "low"
    if role == "image" and snapshot.get("image_backend") == "a1111":
        smaller.update(image_steps=1, image_width=256, image_height=256)
    return smaller


def _tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _live_caption(captioner) -> str:
    result = captioner.caption(
        CaptionRequest(image=_tiny_png(), instructions="Describe this image in a sentence.", detail="somewhat")
    )
    return f"{result.text[:60]!r}, {_money(result)}"


def _live_paint(painter) -> str:
    result = painter.paint(PaintRequest(prompt=LIVE_PROMPT, seed=1))
    return f"{len(result.image):,} bytes, {_money(result)}"


def _live_embed(embedder) -> str:
    result = embedder.embed([LIVE_TEXT])
    return f"{result.dimension} dimensions, {_money(result)}"


def _live_moderate(moderator) -> str:
    result = moderator.moderate(text=LIVE_TEXT)
    return "flagged" if result.flagged else "not flagged"


def _money(result) -> str:
    marker = " (estimated)" if result.estimated else ""
    return f"${result.cost:.6f}{marker} [{result.price_source}]"


LIVE_CALLS = {"caption": _live_caption, "image": _live_paint, "embedding": _live_embed, "moderation": _live_moderate}
