"""Account pages. Django's auth views do the work; these add the throttle, sign-up
and the profile, and make sure every redirect target is checked."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from .forms import LoginForm, SignUpForm
from .selectors import chains_owned_by, chains_starred_by, first_rows, submissions_of
from .services import login_success_record, user_sign_up

TOO_MANY_REQUESTS = 429


def safe_next(request) -> str:
    """`next` from the form or query string, or "" unless it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:profile")
    form = SignUpForm(request.POST) if request.method == "POST" else SignUpForm()
    if form.is_valid():
        user = user_sign_up(
            username=form.cleaned_data["username"], email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "accounts:profile")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    """Django's LoginView (it validates `next` itself) answering 429 when throttled."""

    form_class = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.refusal is not None:
            response.status_code = TOO_MANY_REQUESTS
            response["Retry-After"] = str(form.refusal.retry_after)
        return response

    def form_valid(self, form):
        login_success_record(username=form.cleaned_data["username"])
        return super().form_valid(form)


@require_GET
def logged_out(request):
    """Where LogoutView redirects: a plain GET page, so reloading it resubmits nothing."""
    return render(request, "registration/logged_out.html")


@require_GET
@never_cache
@login_required
def profile(request):
    """My chains, my submissions with their status, and the chains I starred."""
    chains, more_chains = first_rows(chains_owned_by(user=request.user))
    submissions, more_submissions = first_rows(submissions_of(user=request.user))
    starred, more_starred = first_rows(chains_starred_by(user=request.user))
    return render(request, "accounts/profile.html", {
        "chains": chains, "more_chains": more_chains,
        "submissions": submissions, "more_submissions": more_submissions,
        "starred": starred, "more_starred": more_starred,
    })
