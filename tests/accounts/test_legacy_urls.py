"""Paths and route names of the hand-written accounts keep working on allauth."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "old, new",
    [
        ("/accounts/password/reset/sent/", "/accounts/password/reset/done/"),
        ("/accounts/password/reset/complete/", "/accounts/password/reset/key/done/"),
        ("/accounts/password/reset/MQ/c5m3k2-0123456789abcdef/", "/accounts/password/reset/"),
    ],
)
def test_old_paths_redirect_to_their_allauth_pages(client, old, new):
    response = client.get(old)
    assert response.status_code == 302 and response["Location"] == new
    assert client.get(new).status_code == 200


@pytest.mark.parametrize(
    "name, path, view",
    [
        ("accounts:login", "/accounts/login/", "LoginView"),
        ("accounts:signup", "/accounts/signup/", "SignupView"),
        ("accounts:logout", "/accounts/logout/", "LogoutView"),
        ("accounts:password_change", "/accounts/password/change/", "PasswordChangeView"),
        ("accounts:password_reset", "/accounts/password/reset/", "PasswordResetView"),
    ],
)
def test_old_route_names_lead_to_allauth(name, path, view):
    assert reverse(name) == path
    assert resolve(path).func.view_class.__name__ == view
