"""Reports from people and from automatic screening, with an audit trail."""

from __future__ import annotations

from django.db import transaction

from chains.errors import UserFacingError
from chains.models import Chain, Step

from ..models import Report, ReportEvent, ReportStatus

REPORT_NEEDS_REASON = "Please say what is wrong, so staff can act on it."
REPORT_BAD_STATUS = "A report can only be marked actioned or dismissed."
AUTOMATIC_REASON = "Automatic screening flagged this {what}: {categories}."


class ReportError(UserFacingError):
    """A report that cannot be made or resolved; `message` is for people."""


def report_create(*, reporter, chain: Chain, step: Step | None = None, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise ReportError(REPORT_NEEDS_REASON)
    with transaction.atomic():
        report = Report.objects.create(chain=chain, step=step, reporter=reporter, reason=reason[:2000])
        ReportEvent.objects.create(report=report, actor=reporter, action="reported", note=report.reason)
    return report


def report_flagged_content(*, chain_id: int, step_id: int | None, categories: tuple[str, ...]) -> Report:
    """The engine's flag handler: queue what the moderation model flagged for staff."""
    what = "step" if step_id else "chain"
    reason = AUTOMATIC_REASON.format(what=what, categories=", ".join(categories) or "unspecified")
    with transaction.atomic():
        report = Report.objects.create(chain_id=chain_id, step_id=step_id, reason=reason)
        ReportEvent.objects.create(report=report, action="flagged automatically", note=reason)
    return report


def report_resolve(*, report: Report, moderator, status: str, note: str) -> Report:
    """Close a report as actioned or dismissed; the note is required and kept."""
    from .submissions import MODERATION_NOTE_REQUIRED

    if status not in (ReportStatus.ACTIONED, ReportStatus.DISMISSED):
        raise ReportError(REPORT_BAD_STATUS)
    if not note.strip():
        raise ReportError(MODERATION_NOTE_REQUIRED)
    with transaction.atomic():
        report.status = status
        report.moderator_note = note.strip()
        report.save(update_fields=["status", "moderator_note", "updated_at"])
        ReportEvent.objects.create(report=report, actor=moderator, action=status, note=report.moderator_note)
    return report
