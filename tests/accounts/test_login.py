"""Log in (by username or email), log out, CSRF and redirects, through allauth's views."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import MEMBER_PASSWORD as PASSWORD
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def log_in(client, login="ada", password=PASSWORD, **data):
    return client.post("/accounts/login/", {"login": login, "password": password, **data})


def test_log_in_opens_the_profile(client, member):
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_log_in_by_email_works_too(client, member):
    assert log_in(client, login="ADA@example.org")["Location"] == "/accounts/me/"


def test_a_wrong_password_is_a_form_error(client, member):
    response = log_in(client, password="nope")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_an_unconfirmed_address_cannot_log_in_and_gets_the_link_again(client, mailoutbox):
    make_member("newbie", password=PASSWORD, verified=False)
    response = log_in(client, login="newbie")
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1 and "/accounts/confirm-email/" in mailoutbox[0].body


def test_log_in_follows_a_local_next_and_refuses_an_off_site_one(client, member):
    local = log_in(client, next="/gallery/")
    assert local["Location"] == "/gallery/"
    client.logout()
    evil = log_in(client, next="https://evil.example/")
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


def test_log_out_by_get_only_asks(client, member):
    client.force_login(member)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200 and b"Do you want to log out?" in page.content
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
    logout_form = page.split('action="/accounts/logout/"')[1][:300]
    assert 'action="/accounts/logout/"' in page and "csrfmiddlewaretoken" in logout_form


def test_the_admin_log_in_goes_through_allauth(client, member):
    """The admin's own form would bypass the rate limits and the address check."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    refused = client.post("/admin/login/", {"username": "ada", "password": PASSWORD})
    assert refused.status_code == 302 and "_auth_user_id" not in client.session


def test_staff_reach_the_admin_after_logging_in_through_allauth(client):
    make_member("boss", password=PASSWORD, is_staff=True, is_superuser=True)
    assert log_in(client, login="boss", next="/admin/")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "path, data",
    [
        ("/accounts/login/", {"login": "ada", "password": PASSWORD}),
        (
            "/accounts/signup/",
            {
                "username": "x",
                "email": "x@example.org",
                "password1": "long pass phrase",
                "password2": "long pass phrase",
            },
        ),
        ("/accounts/logout/", {}),
        ("/accounts/password/reset/", {"email": "ada@example.org"}),
    ],
)
def test_csrf_is_enforced_on_every_account_post(member, path, data):
    strict = Client(enforce_csrf_checks=True)
    if path == "/accounts/logout/":
        strict.force_login(member)
    assert strict.post(path, data).status_code == 403


def test_a_post_with_the_csrf_token_passes_the_strict_client(member):
    strict = Client(enforce_csrf_checks=True)
    strict.get("/accounts/login/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/accounts/login/", {"login": "ada", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
