"""Account forms: Django's own, plus an email on sign-up and the throttle on log-in."""

from __future__ import annotations

import math

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from .services import login_failure_record, login_throttle_check
from .throttle import ThrottleResult, request_ip

LOGIN_THROTTLED = (
    "Too many failed attempts to log in. Try again in {wait}, "
    "or reset your password if you have forgotten it."
)
EMAIL_TAKEN = "An account with this email address already exists. Log in or reset your password instead."
EMAIL_HELP = "Only used to reset your password. Never shown to anyone."


def wait_text(seconds: int) -> str:
    """Retry-After in words; rounded up so people never come back too early."""
    minutes = math.ceil(seconds / 60)
    return "a minute" if minutes <= 1 else f"{minutes} minutes"


class SignUpForm(UserCreationForm):
    """UserCreationForm (case-insensitive unique username, password validators) + email.

    The email is required because it is the only way back into a forgotten account,
    and unique so a reset link reaches exactly one account.
    """

    email = forms.EmailField(
        max_length=254, help_text=EMAIL_HELP,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class ThrottledLoginMixin:
    """Put the log-in throttle in front of an AuthenticationForm's password check.

    `refusal` is set when the attempt was refused unchecked, so a view can answer
    429 with Retry-After; failures are recorded only when a password was tried.
    """

    refusal: ThrottleResult | None = None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = request_ip(self.request) if self.request is not None else "unknown"
        self.refusal = login_throttle_check(ip=ip, username=username)
        if self.refusal is not None:
            raise ValidationError(
                LOGIN_THROTTLED.format(wait=wait_text(self.refusal.retry_after)), code="throttled"
            )
        try:
            return super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                login_failure_record(ip=ip, username=username)
            raise


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's log-in form."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's log-in form, throttled too: otherwise /admin/login/ would be an
    unlimited password oracle for exactly the accounts worth most (staff)."""
