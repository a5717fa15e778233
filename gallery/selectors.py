"""Reads for the people side: the moderation queue, stars, a person's page."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Value, When

from .models import Report, ReportEvent, ReportStatus, Star, Submission


def moderation_queue_items() -> dict:
    """Pending submissions (flagged first, then oldest) and pending reports, each one query."""
    submissions = (
        Submission.objects.pending().select_related("owner")
        .annotate(priority=Case(When(flagged=True, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("priority", "created_at")
    )
    reports = (
        Report.objects.filter(status=ReportStatus.PENDING)
        .select_related("chain", "step", "reporter")
        .prefetch_related(Prefetch("events", queryset=ReportEvent.objects.select_related("actor")))
        .order_by("created_at")
    )
    return {"submissions": submissions, "reports": reports}


def user_has_starred(*, user, chain) -> bool:
    return Star.objects.filter(user=user, chain=chain).exists()
