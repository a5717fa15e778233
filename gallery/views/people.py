"""Pages for logged-in people: submit, branch, star, report; and the staff queue."""

from __future__ import annotations

from allauth.account.decorators import verified_email_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.ratelimits import wait_text
from accounts.throttle import request_ip, throttle_hit
from chains.images import ImageRejected
from chains.models import Step
from chains.services.screening import screening_enabled

from ..forms.people import BranchForm, ModerationForm, ReportForm, SubmissionForm
from ..models import Report, ReportStatus, Submission
from ..roles import may_moderate
from ..selectors import moderation_queue_items, user_has_starred
from ..services import (
    ReportError,
    SubmissionError,
    chain_branch_for_user,
    report_create,
    report_resolve,
    star_toggle,
    submission_approve,
    submission_create,
    submission_reject,
    user_chains_left_today,
)
from ._common import chain_or_404, role_required
from .media import private_file_response

UPLOAD_RATE_LIMITED = "You are uploading too fast. Please wait {seconds} seconds and try again."
SUBMITTED = "Thank you! Your image is waiting for review; you will see the decision on your page."
REPORTED = "Thank you. Staff will look at it."
REPORT_RATE_LIMITED = "You have sent many reports in a short while. Please try again in {wait}."
STARRED = "Starred. You will find it on your page."
UNSTARRED = "Star removed."
DECIDED = {
    "approve": "Approved: its chain has started. The submitter sees your note.",
    "reject": "Rejected. The submitter sees your note on their page.",
    "actioned": "Report actioned.",
    "dismissed": "Report dismissed.",
}
CHOOSE_APPROVE_OR_REJECT = "Choose approve or reject."
CHOOSE_ACTIONED_OR_DISMISSED = "Choose actioned or dismissed."


# --- submitting -------------------------------------------------------------------------


@verified_email_required
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    if request.method != "POST":
        return _submit_page(request, SubmissionForm(initial={"mode": request.GET.get("mode")}))
    limited = upload_rate_limit(request)
    if limited:
        return limited
    form = SubmissionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _submit_page(request, form, status=400)
    data = form.cleaned_data
    try:
        submission_create(
            owner=request.user,
            image=data["image"],
            title=data["title"],
            mode=data["mode"],
            detail=data["detail"],
            target_length=data["target_length"],
            theme=data["theme_for_chain"],
        )
    except (SubmissionError, ImageRejected) as refused:
        form.add_error(None, refused.message)
        return _submit_page(request, form, status=400)
    messages.success(request, SUBMITTED)
    return redirect("accounts:profile")


def _submit_page(request, form, *, status: int = 200, error: str = ""):
    context = {"form": form, "error": error, "chains_left": user_chains_left_today(user=request.user)}
    return render(request, "gallery/submit.html", context, status=status)


def upload_rate_limit(request) -> HttpResponse | None:
    """429 with Retry-After before the upload is even read; nothing is stored."""
    result = throttle_hit(
        scope="upload",
        key=str(request.user.pk),
        limit=settings.TELEPHONE_UPLOAD_RATE_LIMIT,
        window=settings.TELEPHONE_UPLOAD_RATE_WINDOW_SECONDS,
    )
    if result.allowed:
        return None
    error = UPLOAD_RATE_LIMITED.format(seconds=result.retry_after)
    response = _submit_page(request, SubmissionForm(), status=429, error=error)
    response["Retry-After"] = str(result.retry_after)
    return response


@login_required
@require_safe
def submission_image(request, pk: int):
    """A pending image, for its owner and moderators only; never cached by shared caches."""
    submission = get_object_or_404(Submission, pk=pk)
    if not (may_moderate(request.user) or submission.owner_id == request.user.pk):
        raise Http404
    return private_file_response(submission.image)


# --- branching, stars, reports --------------------------------------------------------------


@verified_email_required
@require_http_methods(["GET", "HEAD", "POST"])
def branch_create(request, slug: str, index: int):
    chain = chain_or_404(request, slug)
    step = get_object_or_404(Step.objects.published().select_related("chain"), chain=chain, index=index)
    form = BranchForm(
        request.POST or None, initial={"mode": request.GET.get("mode") or chain.mode, "detail": chain.detail}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                branch = chain_branch_for_user(
                    user=request.user,
                    step=step,
                    mode=data["mode"],
                    detail=data["detail"],
                    target_length=data["target_length"],
                    theme=data["theme_for_chain"],
                )
                return redirect(branch.get_absolute_url())
            except SubmissionError as refused:
                form.add_error(None, refused.message)
        status = 400
    context = {"form": form, "chain": chain, "step": step, "chains_left": user_chains_left_today(user=request.user)}
    return render(request, "gallery/branch.html", context, status=status)


@login_required
@require_POST
def star(request, slug: str):
    chain = chain_or_404(request, slug)
    starred = star_toggle(user=request.user, chain=chain)
    messages.success(request, STARRED if starred else UNSTARRED)
    context = {"chain": chain, "starred": starred}
    if request.htmx:
        return render(request, "gallery/_star_button.html", context)
    return redirect(chain.get_absolute_url())


@require_safe
def star_button(request, slug: str):
    """The star control, fetched after the (cached) chain page loads, so it is per person."""
    chain = chain_or_404(request, slug)
    starred = request.user.is_authenticated and user_has_starred(user=request.user, chain=chain)
    return render(request, "gallery/_star_button.html", {"chain": chain, "starred": starred})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request, slug: str):
    chain = chain_or_404(request, slug)
    step = _optional_step(chain, request.GET.get("step") or request.POST.get("step"))
    form = ReportForm(request.POST or None)
    context = {"form": form, "chain": chain, "step": step}
    if request.method == "POST" and form.is_valid():
        retry_after = report_rate_limit(request)
        if retry_after:
            form.add_error(None, REPORT_RATE_LIMITED.format(wait=wait_text(retry_after)))
            response = render(request, "gallery/report.html", context, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        report_create(reporter=request.user, chain=chain, step=step, reason=form.cleaned_data["reason"])
        messages.success(request, REPORTED)
        return redirect(step.get_absolute_url() if step else chain.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "gallery/report.html", context, status=status)


def report_rate_limit(request) -> int | None:
    """Seconds to wait when this member or this client address has reported enough for now.

    Reports land in the moderators' queue; without a limit one account (or one client
    with many accounts) could bury the real ones (issue 12)."""
    window = settings.TELEPHONE_REPORT_RATE_WINDOW_SECONDS
    results = [
        throttle_hit(
            scope="report-user", key=str(request.user.pk), limit=settings.TELEPHONE_REPORT_RATE_LIMIT, window=window
        ),
        throttle_hit(
            scope="report-ip", key=request_ip(request), limit=settings.TELEPHONE_REPORT_IP_RATE_LIMIT, window=window
        ),
    ]
    refused = [result.retry_after for result in results if not result.allowed]
    return max(refused) if refused else None


def _optional_step(chain, raw) -> Step | None:
    if raw in (None, ""):
        return None
    try:
        index = int(raw)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Step, chain=chain, index=index)


# --- moderation -----------------------------------------------------------------------------


@role_required(may_moderate)
@require_safe
def moderation_queue(request):
    return render(
        request, "gallery/moderation.html", {**moderation_queue_items(), "screening_off": not screening_enabled()}
    )


@role_required(may_moderate)
@require_POST
def moderate_submission(request, pk: int):
    submission = get_object_or_404(Submission.objects.select_related("owner"), pk=pk)
    form = ModerationForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            _decide_submission(submission, request.user, form.cleaned_data)
        except SubmissionError as refused:
            error = refused.message
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    submission.refresh_from_db()
    return _queue_item(
        request, "gallery/_moderation_submission.html", {"submission": submission, "error": error, "form": form}
    )


def _decide_submission(submission, moderator, data) -> None:
    if data["decision"] == "approve":
        submission_approve(submission=submission, moderator=moderator, note=data["note"])
    elif data["decision"] == "reject":
        submission_reject(submission=submission, moderator=moderator, note=data["note"])
    else:
        raise SubmissionError(CHOOSE_APPROVE_OR_REJECT)


@role_required(may_moderate)
@require_POST
def moderate_report(request, pk: int):
    item = get_object_or_404(Report.objects.select_related("chain", "step", "reporter"), pk=pk)
    form = ModerationForm(request.POST)
    error = ""
    if form.is_valid() and form.cleaned_data["decision"] in (ReportStatus.ACTIONED, ReportStatus.DISMISSED):
        try:
            report_resolve(
                report=item,
                moderator=request.user,
                status=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ReportError as refused:
            error = refused.message
    else:
        error = (
            " ".join(message for errors in form.errors.values() for message in errors) or CHOOSE_ACTIONED_OR_DISMISSED
        )
    item.refresh_from_db()
    return _queue_item(request, "gallery/_moderation_report.html", {"report": item, "error": error, "form": form})


def _queue_item(request, template: str, context: dict):
    """HTMX swaps the one item in place; without JS, back to the queue with a message.
    Either way a decision that went through is confirmed in a toast."""
    status = 400 if context["error"] else 200
    decision = context["form"].cleaned_data.get("decision") if context["form"].is_valid() else None
    if not context["error"] and decision in DECIDED:
        messages.success(request, DECIDED[decision])
    if request.htmx:
        return render(request, template, context, status=status)
    if context["error"]:
        messages.error(request, context["error"])
    return redirect(reverse("gallery:moderation_queue"))
