"""Sign-up: the address must be confirmed before the account can log in; bad input is
a form error; a taken address is never revealed; redirects stay on the site."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.factories import make_member

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "grace",
    "email": "grace@example.org",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


def signup(client, **changes):
    return client.post("/accounts/signup/", {**GOOD, **changes})


def confirmation_link(mail) -> str:
    return re.search(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)", mail.body).group(1)


def confirm(client, mail):
    link = confirmation_link(mail)
    page = client.get(link)
    assert page.status_code == 200 and b"Confirm your email" in page.content
    return client.post(link)


def test_sign_up_creates_the_user_but_logs_in_only_after_the_address_is_confirmed(client, mailoutbox):
    response = signup(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get(username="grace")
    assert user.email == "grace@example.org" and user.check_password(GOOD["password1"]) and not user.is_staff
    assert "_auth_user_id" not in client.session
    assert b"Check your email" in client.get("/accounts/confirm-email/").content
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["grace@example.org"]
    assert mailoutbox[0].subject == "Image Telephone: Confirm your email address"

    confirmed = confirm(client, mailoutbox[0])
    assert confirmed.status_code == 302 and confirmed["Location"] == "/accounts/me/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_the_link_confirms_only_when_posted(client, mailoutbox):
    """Mail scanners follow links with GET; that alone must not confirm anything."""
    signup(client)
    client.get(confirmation_link(mailoutbox[0]))
    assert not EmailAddress.objects.get(email="grace@example.org").verified


def test_a_forged_link_confirms_nothing(client, mailoutbox):
    signup(client)
    page = client.get("/accounts/confirm-email/not-a-real-key/")
    assert b"This link no longer works" in page.content
    assert not EmailAddress.objects.get(email="grace@example.org").verified


def test_without_confirming_the_account_cannot_log_in(client, mailoutbox):
    signup(client)
    response = client.post("/accounts/login/", {"login": "grace", "password": GOOD["password1"]})
    assert response["Location"] == "/accounts/confirm-email/" and "_auth_user_id" not in client.session


def test_sign_up_follows_a_local_next_once_confirmed(client, mailoutbox):
    signup(client, next="/gallery/?sort=drift")
    assert confirm(client, mailoutbox[0])["Location"] == "/gallery/?sort=drift"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_sign_up_refuses_an_off_site_next(client, mailoutbox, target):
    signup(client, next=target)
    assert confirm(client, mailoutbox[0])["Location"] == "/accounts/me/"


def test_a_taken_email_is_not_revealed(client, mailoutbox):
    """No enumeration: the answer is the same page, and the owner gets a note instead."""
    make_member("someone", email="GRACE@example.org")
    response = signup(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert not get_user_model().objects.filter(username="grace").exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["grace@example.org"]
    assert "/accounts/confirm-email/" not in mailoutbox[0].body


def test_mismatched_passwords_are_a_form_error_not_a_crash(client):
    response = signup(client, password2="something else entirely")
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="grace").exists()


def test_a_taken_username_is_a_form_error_whatever_its_case(client):
    make_member("Grace", email="other@example.org")
    response = signup(client)
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert get_user_model().objects.count() == 1


def test_a_weak_password_is_refused_by_the_validators(client):
    response = signup(client, password1="grace123", password2="grace123")
    assert response.status_code == 200 and "password1" in response.context["form"].errors


def test_errors_are_linked_to_their_fields_for_screen_readers(client):
    page = signup(client, password2="nope").content.decode()
    assert 'aria-invalid="true"' in page
    assert 'id="id_password2_error"' in page and "id_password2_error" in page.split('name="password2"')[1].split(">")[0]


def test_the_form_page_has_labelled_fields(client):
    page = client.get("/accounts/signup/").content.decode()
    for name in ("username", "email", "password1", "password2"):
        assert f'for="id_{name}"' in page
    assert 'autocomplete="email"' in page and 'autocomplete="new-password"' in page


def test_a_logged_in_visitor_is_sent_to_their_profile(client, member):
    client.force_login(member)
    assert client.get("/accounts/signup/")["Location"] == "/accounts/me/"
