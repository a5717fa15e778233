"""Password change and reset, with the reset mail's link followed to the end."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import telephone_site.settings

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "an entirely new passphrase"


def test_password_change_needs_login(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_password_change_keeps_the_user_logged_in(client, member):
    client.force_login(member)
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/done/"
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert client.get("/accounts/password/change/done/").status_code == 200
    assert client.get("/accounts/me/").status_code == 200


def test_a_wrong_old_password_is_a_form_error(client, member):
    client.force_login(member)
    response = client.post("/accounts/password/change/", {
        "old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 200 and "old_password" in response.context["form"].errors


def test_password_reset_mails_a_link_that_sets_a_new_password(client, member, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.org"] and mail.subject == "Reset your Image Telephone password"
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mail.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)

    reused = client.get(link, follow=True)
    assert not reused.context["validlink"] and b"no longer works" in reused.content


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mailoutbox == []


def test_a_locked_account_can_still_ask_for_a_reset(client, member, mailoutbox):
    """Anyone can lock an account by failing on purpose; the way out must stay open."""
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "ada", "password": PASSWORD}).status_code == 429
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert len(mailoutbox) == 1


def load_settings(monkeypatch, **environ):
    """A fresh copy of the settings module under a given environment."""
    for name in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    path = Path(telephone_site.settings.__file__)
    spec = importlib.util.spec_from_file_location("settings_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_email_goes_to_the_console_by_default(monkeypatch):
    assert load_settings(monkeypatch).EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def test_email_goes_to_smtp_when_a_host_is_set(monkeypatch):
    loaded = load_settings(monkeypatch, EMAIL_HOST="smtp.example.org", EMAIL_PORT="2525",
                           EMAIL_USE_TLS="false", DEFAULT_FROM_EMAIL="Telephone <hi@example.org>")
    assert loaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded.EMAIL_HOST, loaded.EMAIL_PORT, loaded.EMAIL_USE_TLS) == ("smtp.example.org", 2525, False)
    assert loaded.DEFAULT_FROM_EMAIL == "Telephone <hi@example.org>"
