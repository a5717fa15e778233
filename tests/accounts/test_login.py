"""Log in, log out, CSRF and redirects, through Django's own auth views."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_log_in_opens_the_profile(client, member):
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_wrong_password_is_a_form_error(client, member):
    response = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_log_in_follows_a_local_next_and_refuses_an_off_site_one(client, member):
    local = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD, "next": "/gallery/"})
    assert local["Location"] == "/gallery/"
    client.logout()
    evil = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD, "next": "https://evil.example/"})
    assert evil["Location"] == "/accounts/me/"


def test_the_login_page_carries_next_into_the_form(client):
    page = client.get("/accounts/login/?next=/gallery/").content.decode()
    assert 'name="next" value="/gallery/"' in page


def test_log_out_is_a_post_that_lands_on_the_logged_out_page(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/logged-out/"
    assert "_auth_user_id" not in client.session
    assert b"You are logged out" in client.get("/accounts/logged-out/").content


def test_log_out_by_get_is_refused(client, member):
    client.force_login(member)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.session["_auth_user_id"] == str(member.pk)


def test_log_out_refuses_an_off_site_next(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/", {"next": "https://evil.example/"})
    assert response["Location"] == "/accounts/logged-out/"


def test_the_nav_offers_log_in_and_sign_up_or_my_chains_and_a_log_out_form(client, member):
    anonymous = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/login/"' in anonymous and 'href="/accounts/signup/"' in anonymous
    client.force_login(member)
    page = client.get("/accounts/me/").content.decode()
    assert 'href="/accounts/me/"' in page
    assert 'action="/accounts/logout/"' in page and "csrfmiddlewaretoken" in page.split('action="/accounts/logout/"')[1][:300]


@pytest.mark.parametrize("path, data", [
    ("/accounts/login/", {"username": "ada", "password": PASSWORD}),
    ("/accounts/signup/", {"username": "x", "email": "x@example.org", "password1": "long pass phrase", "password2": "long pass phrase"}),
    ("/accounts/logout/", {}),
    ("/accounts/password/reset/", {"email": "ada@example.org"}),
])
def test_csrf_is_enforced_on_every_account_post(member, path, data):
    strict = Client(enforce_csrf_checks=True)
    if path == "/accounts/logout/":
        strict.force_login(member)
    assert strict.post(path, data).status_code == 403


def test_a_post_with_the_csrf_token_passes_the_strict_client(member):
    strict = Client(enforce_csrf_checks=True)
    strict.get("/accounts/login/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/accounts/login/", {"username": "ada", "password": PASSWORD,
                                                "csrfmiddlewaretoken": token})
    assert response.status_code == 302
