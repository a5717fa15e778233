"""Password change and reset, with the reset mail's link followed to the end; and the
mail settings that reset and verification depend on."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import telephone_site.settings
from tests.factories import MEMBER_PASSWORD as PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "an entirely new passphrase"


def test_password_change_needs_login(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_password_change_keeps_the_user_logged_in(client, member):
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/done/"
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert b"Password changed" in client.get("/accounts/password/change/done/").content
    assert client.get("/accounts/me/").status_code == 200


def test_a_wrong_old_password_is_a_form_error(client, member):
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/", {"oldpassword": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200 and "oldpassword" in response.context["form"].errors


def reset_link(mail) -> str:
    return re.search(r"https?://testserver(/accounts/password/reset/key/\S+/)", mail.body).group(1)


def test_password_reset_mails_a_link_that_sets_a_new_password(client, member, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.org"] and mail.subject == "Image Telephone: Reset your password"
    link = reset_link(mail)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and not form_page.context.get("token_fail")
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/key/done/"
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)

    reused = client.get(link, follow=True)
    assert reused.context.get("token_fail") and b"This link no longer works" in reused.content


def test_password_reset_for_an_unknown_address_says_the_same(client, member, mailoutbox):
    """No enumeration: same answer; the mail to an unknown address says there is no account."""
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nobody@example.org"]
    assert "/accounts/password/reset/key/" not in mailoutbox[0].body


def test_someone_failing_to_log_in_cannot_stop_the_owner_asking_for_a_reset(client, member, mailoutbox):
    for _ in range(10):
        client.post("/accounts/login/", {"login": "ada", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post("/accounts/password/reset/", {"email": "ada@example.org"}, REMOTE_ADDR="198.51.100.1")
    assert len(mailoutbox) == 1


def load_settings(monkeypatch, **environ):
    """A fresh copy of the settings module under a given environment."""
    for name in (
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "EMAIL_BACKEND",
        "DJANGO_ENV",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
    ):
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
    loaded = load_settings(
        monkeypatch,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="Telephone <hi@example.org>",
    )
    assert loaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded.EMAIL_HOST, loaded.EMAIL_PORT, loaded.EMAIL_USE_TLS) == ("smtp.example.org", 2525, False)
    assert loaded.DEFAULT_FROM_EMAIL == "Telephone <hi@example.org>"


PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "telephone.example.org"}


@pytest.mark.parametrize(
    "backend", ["", "django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.locmem.EmailBackend"]
)
def test_production_refuses_to_start_with_mail_that_is_never_delivered(monkeypatch, backend):
    with pytest.raises(ImproperlyConfigured, match="needs a mail server"):
        load_settings(monkeypatch, **PRODUCTION, EMAIL_BACKEND=backend)


def test_production_starts_with_smtp(monkeypatch):
    loaded = load_settings(monkeypatch, **PRODUCTION, EMAIL_HOST="smtp.example.org")
    assert loaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
