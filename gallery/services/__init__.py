"""Writes for the people side of the site: submissions, moderation, reports, stars."""

from .reports import (
    REPORT_BAD_STATUS,
    REPORT_NEEDS_REASON,
    ReportError,
    report_create,
    report_flagged_content,
    report_resolve,
)
from .stars import star_toggle
from .submissions import (
    MODERATION_NOTE_REQUIRED,
    QUOTA_REACHED,
    SUBMISSION_ALREADY_REVIEWED,
    SubmissionError,
    chain_branch_for_user,
    submission_approve,
    submission_create,
    submission_reject,
    user_chains_left_today,
)

__all__ = [
    "MODERATION_NOTE_REQUIRED",
    "QUOTA_REACHED",
    "REPORT_BAD_STATUS",
    "REPORT_NEEDS_REASON",
    "ReportError",
    "SUBMISSION_ALREADY_REVIEWED",
    "SubmissionError",
    "chain_branch_for_user",
    "report_create",
    "report_flagged_content",
    "report_resolve",
    "star_toggle",
    "submission_approve",
    "submission_create",
    "submission_reject",
    "user_chains_left_today",
]
