"""Submissions: a person's starting image, held privately until staff approve it.

Nothing a person uploads becomes public by itself: the image is cleaned, screened
and stored in private storage; only approval turns it into a chain (whose images
then live in public media). Quotas and the budget are checked before any file is
written, so a refused request leaves nothing behind, and checked again where they
are taken: in one transaction under the admission lock (`chains.budget`), so twenty
requests at once cannot squeeze past a quota of five, nor approvals past the budget.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chains import images
from chains.budget import BUDGET_REACHED, admission_lock, budget_allows, estimate_chain_cost, start_of_today
from chains.cache import content_changed_on_commit
from chains.errors import UserFacingError
from chains.models import Chain, Status, Step, Visibility
from chains.providers import build_providers, current_snapshot
from chains.providers.base import ProviderError
from chains.services import ChainError, chain_create, chain_start

from ..models import Submission, SubmissionStatus

QUOTA_REACHED = "You have started {quota} chains today, the daily limit. Please come back tomorrow."
MODERATION_NOTE_REQUIRED = "Please write a note: the submitter sees it."
SUBMISSION_ALREADY_REVIEWED = "This submission has already been reviewed."
BRANCH_NOT_PUBLIC = "Only steps of public chains can be branched."


class SubmissionError(UserFacingError):
    """A refusal people should read; `message` is safe to show."""


def user_chains_left_today(*, user) -> int:
    """The daily quota, counted from the database: submissions plus branches since midnight."""
    since = start_of_today()
    used = Submission.objects.filter(owner=user).created_since(since).count()
    used += Chain.objects.filter(owner=user, parent__isnull=False, created_at__gte=since).count()
    return max(settings.TELEPHONE_DAILY_CHAIN_QUOTA - used, 0)


def _check_quota_and_budget(*, user, target_length: int) -> None:
    """Refuse early (before any work) what cannot fit; `_take_quota` decides for real."""
    if user_chains_left_today(user=user) <= 0:
        raise SubmissionError(QUOTA_REACHED.format(quota=settings.TELEPHONE_DAILY_CHAIN_QUOTA))
    snapshot = current_snapshot().snapshot
    if not budget_allows(estimated=estimate_chain_cost(snapshot=snapshot, target_length=target_length)):
        raise SubmissionError(BUDGET_REACHED)


def _take_quota(*, user) -> None:
    """Inside the transaction that creates the submission or branch: lock, count, refuse."""
    admission_lock()
    if user_chains_left_today(user=user) <= 0:
        raise SubmissionError(QUOTA_REACHED.format(quota=settings.TELEPHONE_DAILY_CHAIN_QUOTA))


def submission_create(
    *, owner, image: bytes, title: str, mode: str, detail: str, target_length: int, theme: str = ""
) -> Submission:
    """Clean, screen and privately store an upload, pending review."""
    _check_quota_and_budget(user=owner, target_length=target_length)
    clean = images.clean_image(image)
    flagged, categories = _screen_upload(clean.original)
    storage = Submission._meta.get_field("image").storage
    name = storage.save(f"submissions/{uuid.uuid4().hex}.{images.ORIGINAL_EXTENSION}", ContentFile(clean.original))
    try:
        with transaction.atomic():
            _take_quota(user=owner)
            return Submission.objects.create(
                owner=owner,
                image=name,
                width=clean.width,
                height=clean.height,
                title=title[:120],
                mode=mode,
                detail=detail,
                theme=theme[:200],
                target_length=target_length,
                flagged=flagged,
                flag_categories=", ".join(categories)[:300],
            )
    except Exception:
        storage.delete(name)
        raise


def _screen_upload(image: bytes) -> tuple[bool, tuple[str, ...]]:
    """Pre-screen with the configured moderator; an outage leaves it to human review."""
    try:
        result = build_providers().moderator.moderate(image=image)
    except ProviderError:
        return False, ()
    return result.flagged, tuple(result.categories)


def _claim_review(*, submission: Submission, status: str, moderator, note: str) -> None:
    if not note.strip():
        raise SubmissionError(MODERATION_NOTE_REQUIRED)
    claimed = Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.PENDING).update(
        status=status, moderator_note=note.strip(), reviewed_by=moderator, reviewed_at=timezone.now()
    )
    if not claimed:
        raise SubmissionError(SUBMISSION_ALREADY_REVIEWED)


def submission_approve(*, submission: Submission, moderator, note: str) -> Chain:
    """Approve, then create and start the chain from the private image, atomically.

    The chain's cost is reserved in the same transaction (`chain_create`); when the
    budget cannot fit it, nothing happens and the submission stays pending.
    """
    with submission.image.open("rb") as handle:
        image = handle.read()
    with transaction.atomic():
        _claim_review(submission=submission, status=SubmissionStatus.APPROVED, moderator=moderator, note=note)
        try:
            chain = chain_create(
                image=image,
                target_length=submission.target_length,
                mode=submission.mode,
                detail=submission.detail,
                theme=submission.theme,
                title=submission.title,
                owner=submission.owner,
                visibility=Visibility.PUBLIC,
                origin_screened=True,  # screened on upload, then seen by staff
            )
        except ChainError as refused:
            raise SubmissionError(refused.message) from None
        Submission.objects.filter(pk=submission.pk).update(chain=chain)
        chain_start(chain=chain)
    submission.refresh_from_db()
    return chain


def submission_reject(*, submission: Submission, moderator, note: str) -> Submission:
    _claim_review(submission=submission, status=SubmissionStatus.REJECTED, moderator=moderator, note=note)
    submission.refresh_from_db()
    return submission


def chain_branch_for_user(*, user, step: Step, mode: str, detail: str, target_length: int, theme: str = "") -> Chain:
    """A person's branch from a step of a public chain: quota applies, staff review does not.

    The branch's starting image is screened by the loop like an upload before anything
    is built on it (the step may have been branched while its own screening ran).
    Quota and budget are taken in one transaction under the admission lock.
    """
    from chains.services.curation import chain_branch

    parent = step.chain
    if not parent.is_listed or parent.status == Status.QUEUED:
        raise SubmissionError(BRANCH_NOT_PUBLIC)
    _check_quota_and_budget(user=user, target_length=target_length)
    try:
        with transaction.atomic():
            _take_quota(user=user)
            branch = chain_branch(
                chain=parent, step=step, owner=user, mode=mode, detail=detail, target_length=target_length, theme=theme
            )
    except ChainError as refused:
        raise SubmissionError(refused.message) from None
    content_changed_on_commit(chain_id=parent.pk)
    return branch
