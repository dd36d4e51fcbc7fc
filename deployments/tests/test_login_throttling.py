"""The admin login locks a username out from an address after repeated wrong passwords."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.utils import timezone

from deployments.tests.factories import make_staff_user
from deployments.tests.test_settings import PRODUCTION, _setting
from transparency.logins import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "synthetic-password"  # make_staff_user's
OFFICE = "192.0.2.10"
HOME = "198.51.100.20"


@pytest.fixture
def editor():
    return make_staff_user("synthetic-editor", "editor")


def log_in(client, username, password, address=OFFICE, **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def guess(client, username, times=5, address=OFFICE, **headers):
    return [log_in(client, username, f"wrong-{n}", address, **headers) for n in range(times)]


def test_it_refuses_the_right_password_after_five_wrong_ones(client, editor):
    answers = guess(client, "synthetic-editor")
    assert [a.status_code for a in answers[:4]] == [200] * 4  # the login form, to try again

    response = log_in(client, "synthetic-editor", PASSWORD)

    assert response.status_code == 429
    assert not logged_in(response)
    assert client.get("/admin/").status_code == 302  # still not logged in
    page = response.content.decode()
    assert "This login is locked for 60 minutes" in page
    assert "ask an administrator of the register to unlock it" in page
    assert "Go to the register’s home page" in page  # the site's own page, not a bare message


def test_it_lets_another_user_log_in_from_the_same_address(client, editor):
    make_staff_user("synthetic-researcher", "researcher")
    guess(client, "synthetic-editor")

    assert logged_in(log_in(client, "synthetic-researcher", PASSWORD))


def test_it_lets_the_same_user_log_in_from_another_address(client, editor):
    guess(client, "synthetic-editor", address=OFFICE)

    assert logged_in(log_in(client, "synthetic-editor", PASSWORD, address=HOME))


def test_it_lets_the_user_in_again_once_a_superuser_deletes_the_attempts(client, editor):
    guess(client, "synthetic-editor")
    attempt = AccessAttempt.objects.get(username="synthetic-editor")
    admin = make_staff_user("synthetic-admin", is_superuser=True)

    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "synthetic-editor" in listing.content.decode()
    deleted = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    client.logout()

    assert logged_in(log_in(client, "synthetic-editor", PASSWORD))


def test_it_lets_the_user_in_again_after_axes_reset_username(client, editor):
    guess(client, "synthetic-editor")

    call_command("axes_reset_username", "synthetic-editor")

    assert logged_in(log_in(client, "synthetic-editor", PASSWORD))


def test_it_lets_the_user_in_again_an_hour_after_the_lockout(client, editor):
    guess(client, "synthetic-editor")
    assert log_in(client, "synthetic-editor", PASSWORD).status_code == 429

    an_hour_ago = timezone.now() - dt.timedelta(minutes=61)
    AccessAttempt.objects.update(attempt_time=an_hour_ago)

    assert logged_in(log_in(client, "synthetic-editor", PASSWORD))


def test_it_does_not_extend_the_lockout_for_tries_made_during_it(client, editor):
    guess(client, "synthetic-editor")
    locked_at = AccessAttempt.objects.get().attempt_time

    guess(client, "synthetic-editor", times=3)

    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_it_forgets_wrong_passwords_after_a_successful_login(client, editor):
    guess(client, "synthetic-editor", times=4)
    assert logged_in(log_in(client, "synthetic-editor", PASSWORD))
    client.logout()

    answers = guess(client, "synthetic-editor", times=4)

    assert [a.status_code for a in answers] == [200] * 4
    assert logged_in(log_in(client, "synthetic-editor", PASSWORD))


def test_it_ignores_a_forwarded_address_when_no_proxy_is_trusted(client, editor):
    # Without a proxy in front, the header is the guesser's own writing: a new address on
    # every try must not give a new count.
    for n in range(5):
        log_in(client, "synthetic-editor", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = log_in(client, "synthetic-editor", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=1)
def test_it_tells_clients_apart_behind_a_trusted_proxy(client, editor):
    # Every request reaches the site from the proxy's address; the proxy appends the client's.
    proxy = "10.0.0.1"
    for n in range(5):
        # What the guesser writes in the header themselves comes first, and is not read.
        spoofed = f"203.0.113.{n}, {OFFICE}"
        log_in(client, "synthetic-editor", "wrong", proxy, HTTP_X_FORWARDED_FOR=spoofed)

    locked = log_in(client, "synthetic-editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    elsewhere = log_in(client, "synthetic-editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME)

    assert locked.status_code == 429
    assert logged_in(elsewhere)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "", "10.0.0.1"),
        (0, "203.0.113.5", "10.0.0.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1"),  # did not pass through both proxies
        (1, "", "10.0.0.1"),
    ],
)
def test_it_reads_the_address_the_last_trusted_proxy_saw(proxies, forwarded, expected):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected


def test_it_trusts_no_proxy_unless_the_deployment_says_how_many():
    assert _setting("settings.TRUSTED_PROXIES", **PRODUCTION) == "0"
    assert _setting("settings.TRUSTED_PROXIES", **PRODUCTION, DJANGO_TRUSTED_PROXIES="1") == "1"
