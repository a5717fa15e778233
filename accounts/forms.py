"""allauth's log-in and sign-up forms, worded for this site.

Labels rather than placeholders (placeholders vanish while typing and duplicate the
labels for screen readers), the password managers' autocomplete hints, and the
reason the site wants an email address.
"""

from __future__ import annotations

from allauth.account import forms as allauth_forms

LOGIN_LABEL = "Username or email"
EMAIL_HELP = "We send a link to check it is yours, and password resets. Never shown to anyone."


def _without_placeholders(form) -> None:
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _without_placeholders(self)
        self.fields["login"].label = LOGIN_LABEL
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].help_text = ""  # the page links "Forgot your password?" itself


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _without_placeholders(self)
        self.fields["email"].help_text = EMAIL_HELP
        self.fields["password2"].label = "Password again"
