"""Configuration problems: found once, reported by system checks, the doctor and chain start.

A backend module may offer `problems(role, config, today) -> list[Problem]`; this
module collects them over every role of a snapshot. Errors mean the role cannot
work (a retired model, a parameter the model refuses, a missing server) and stop a
chain from starting; warnings (a shutdown within 90 days, screening turned off) are
shown but do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .base import ProviderError

ERROR = "error"
WARNING = "warning"
SHUTDOWN_WARNING_DAYS = 90

UNKNOWN_BACKEND_ID = "telephone.E001"
MODEL_RETIRED_ID = "telephone.E002"
PARAMETER_REFUSED_ID = "telephone.E003"
SIZE_REFUSED_ID = "telephone.E004"
NO_VISION_ID = "telephone.E005"
MISSING_KEY_ID = "telephone.E006"
MISSING_SERVER_ID = "telephone.E007"
BAD_WORKFLOW_ID = "telephone.E008"
BAD_SETTING_ID = "telephone.E009"
MODEL_RETIRING_ID = "telephone.W001"
SCREENING_OFF_ID = "telephone.W002"


@dataclass(frozen=True)
class Problem:
    level: str
    role: str
    message: str
    hint: str = ""
    id: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def error(role: str, message: str, *, hint: str = "", id: str) -> Problem:
    return Problem(ERROR, role, message, hint, id)


def warning(role: str, message: str, *, hint: str = "", id: str) -> Problem:
    return Problem(WARNING, role, message, hint, id)


def snapshot_problems(snapshot: dict, *, today: date) -> list[Problem]:
    """Every problem of every role a snapshot (or the current settings) describes."""
    from . import ROLES, backend_module, role_config_from

    found: list[Problem] = []
    for role in ROLES:
        name = snapshot.get(f"{role}_backend", "")
        try:
            module = backend_module(name)
        except ProviderError as exc:
            found.append(error(role, exc.message, id=UNKNOWN_BACKEND_ID))
            continue
        check = getattr(module, "problems", None)
        if check is not None:
            found.extend(check(role, role_config_from(snapshot, role), today))
    return found


def first_error(problems: list[Problem]) -> Problem | None:
    return next((problem for problem in problems if problem.is_error), None)
