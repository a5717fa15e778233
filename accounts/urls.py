"""The site's own routes under /accounts/ (allauth's are included beside them, first).

The hand-written accounts had a few paths allauth names differently; links to them
in old mails and bookmarks redirect. The old route names (`accounts:login`, ...)
stay as aliases of allauth's pages for templates that still use them: allauth's
patterns come first in telephone_site/urls.py, so these only ever serve reverse().
"""

from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from . import views

app_name = "accounts"


def alias(route: str, pattern_name: str, name: str):
    return path(route, RedirectView.as_view(url=reverse_lazy(pattern_name), query_string=True), name=name)


urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("logged-out/", views.logged_out, name="logged_out"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    # Paths of the hand-written accounts.
    alias("password/reset/sent/", "account_reset_password_done", "password_reset_done"),
    alias("password/reset/complete/", "account_reset_password_from_key_done", "password_reset_complete"),
    # Django's reset links (uidb64/token) mean nothing to allauth: ask for a new one.
    alias("password/reset/<uidb64>/<token>/", "account_reset_password", "password_reset_confirm"),
    # Old names for allauth's pages (see the module docstring).
    alias("login/", "account_login", "login"),
    alias("signup/", "account_signup", "signup"),
    alias("logout/", "account_logout", "logout"),
    alias("password/change/", "account_change_password", "password_change"),
    alias("password/reset/", "account_reset_password", "password_reset"),
]
