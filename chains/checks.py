"""System checks for the provider configuration, run by `manage.py check` and at start-up.

A retired model is an error naming its shutdown date and replacement; a model that
shuts down within 90 days is a warning; a parameter a model refuses is an error
saying what it accepts. The same findings stop chain start (services/lifecycle.py),
so a configuration that cannot work never spends money.
"""

from __future__ import annotations

from django.core import checks
from django.utils import timezone

from .providers import current_snapshot, screening_enabled
from .providers.base import ProviderError
from .providers.problems import SCREENING_OFF_ID, UNKNOWN_BACKEND_ID, Problem, error, snapshot_problems, warning
from .providers.unscreened import SCREENING_OFF

SCREENING_OFF_HINT = "Set TELEPHONE_MODERATOR to a backend (openai, local) to screen generated content."


def configuration_problems() -> list[Problem]:
    """Every problem of the current settings, for checks and the doctor alike."""
    try:
        snapshot = current_snapshot().snapshot
    except ProviderError as exc:
        return [error("provider", exc.message, id=UNKNOWN_BACKEND_ID)]
    found = snapshot_problems(snapshot, today=timezone.now().date())
    if not screening_enabled(snapshot):
        found.append(warning("moderation", SCREENING_OFF, hint=SCREENING_OFF_HINT, id=SCREENING_OFF_ID))
    return found


def providers_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    for problem in configuration_problems():
        kind = checks.Error if problem.is_error else checks.Warning
        messages.append(kind(f"[{problem.role}] {problem.message}", hint=problem.hint or None, id=problem.id))
    return messages
