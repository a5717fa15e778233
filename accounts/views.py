"""Account pages around django-allauth: the profile, the pages allauth leaves to the
site (logged out, password changed), refusals as 429 with Retry-After, and
redirects from the paths the hand-written accounts used to have."""

from __future__ import annotations

from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .ratelimits import refused_action, seconds_until_allowed, wait_text
from .selectors import chains_owned_by, chains_starred_by, first_rows, submissions_of

TOO_MANY_REQUESTS = 429
LOGIN_THROTTLED = (
    "Too many failed attempts to log in from here. Try again in {wait}, "
    "or reset your password if you have forgotten it."
)
TOO_MANY = (
    "You have done that many times in a short while, so we have paused it for a moment. "
    "Please wait {wait} and try again."
)


class LoginView(allauth_views.LoginView):
    """allauth's log-in, answering 429 with Retry-After when failures were throttled."""

    def form_invalid(self, form):
        if not form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            return super().form_invalid(form)
        key = get_adapter()._get_login_attempts_cache_key(self.request, **form.user_credentials())
        retry_after = seconds_until_allowed(self.request, action="login_failed", key=key)
        form.errors[NON_FIELD_ERRORS] = form.error_class([LOGIN_THROTTLED.format(wait=wait_text(retry_after))])
        response = super().form_invalid(form)
        response.status_code = TOO_MANY_REQUESTS
        response["Retry-After"] = str(retry_after)
        return response


def too_many_requests(request, exception=None):
    """The site's handler429 (allauth renders it for its refused actions)."""
    action, key = refused_action(request)
    retry_after = seconds_until_allowed(request, action=action, key=key) if action else None
    return too_many_requests_page(request, retry_after=retry_after)


def too_many_requests_page(request, *, retry_after: int | None, message: str = ""):
    """429 in the site's look, with Retry-After when the wait is known."""
    wait = wait_text(retry_after) if retry_after else "a minute"
    response = render(request, "429.html", {"message": message or TOO_MANY.format(wait=wait)}, status=TOO_MANY_REQUESTS)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def logged_out(request):
    """Where log-out lands: a plain GET page, so reloading it resubmits nothing."""
    return render(request, "account/logged_out.html")


@require_GET
@login_required
def password_change_done(request):
    return render(request, "account/password_change_done.html")


@require_GET
@never_cache
@login_required
def profile(request):
    """My chains, my submissions with their status, and the chains I starred."""
    chains, more_chains = first_rows(chains_owned_by(user=request.user))
    submissions, more_submissions = first_rows(submissions_of(user=request.user))
    starred, more_starred = first_rows(chains_starred_by(user=request.user))
    return render(
        request,
        "accounts/profile.html",
        {
            "chains": chains,
            "more_chains": more_chains,
            "submissions": submissions,
            "more_submissions": more_submissions,
            "starred": starred,
            "more_starred": more_starred,
        },
    )
