"""Sign-up: creates and logs in the user, refuses bad input with form errors, never
redirects off-site."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.forms import EMAIL_TAKEN

pytestmark = pytest.mark.django_db

GOOD = {"username": "grace", "email": "grace@example.org",
        "password1": "a long and unusual passphrase", "password2": "a long and unusual passphrase"}


def signup(client, **changes):
    return client.post("/accounts/signup/", {**GOOD, **changes})


def test_sign_up_creates_the_user_logs_them_in_and_opens_the_profile(client):
    response = signup(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    user = get_user_model().objects.get(username="grace")
    assert user.email == "grace@example.org" and user.check_password(GOOD["password1"])
    assert not user.is_staff
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/accounts/me/").status_code == 200


def test_sign_up_follows_a_local_next(client):
    response = signup(client, next="/gallery/?sort=drift")
    assert response["Location"] == "/gallery/?sort=drift"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_sign_up_refuses_an_off_site_next(client, target):
    response = signup(client, next=target)
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"


def test_mismatched_passwords_are_a_form_error_not_a_crash(client):
    response = signup(client, password2="something else entirely")
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="grace").exists()


def test_a_taken_username_is_a_form_error_whatever_its_case(client):
    get_user_model().objects.create_user("Grace", email="other@example.org", password="x")
    response = signup(client)
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert get_user_model().objects.count() == 1


def test_a_taken_email_is_a_form_error(client):
    get_user_model().objects.create_user("someone", email="GRACE@example.org", password="x")
    response = signup(client)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [EMAIL_TAKEN]


def test_a_weak_password_is_refused_by_the_validators(client):
    response = signup(client, password1="grace123", password2="grace123")
    assert response.status_code == 200 and "password2" in response.context["form"].errors


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


def test_sign_up_only_answers_get_and_post(client):
    assert client.put("/accounts/signup/").status_code == 405
