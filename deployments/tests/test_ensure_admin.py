import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def _no_chosen_password(monkeypatch):
    monkeypatch.delenv("DJANGO_ADMIN_PASSWORD", raising=False)


def _request():
    # django-axes counts each login attempt by the address it came from, so it needs one.
    return RequestFactory().post("/admin/login/")


def _ensure_admin(*args: str) -> str:
    out = StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


def _printed_password(output: str) -> str:
    match = re.search(r"Password: (\S+)", output)
    assert match, output
    return match.group(1)


def test_it_creates_a_superuser_and_prints_how_to_log_in():
    output = _ensure_admin()

    user = User.objects.get(username="admin")
    assert user.is_superuser and user.is_staff and user.is_active
    assert "http://127.0.0.1:8000/admin/" in output
    assert "Username: admin" in output
    assert authenticate(_request(), username="admin", password=_printed_password(output)) == user


def test_it_sets_a_new_random_password_on_every_run():
    first = _printed_password(_ensure_admin())
    second = _printed_password(_ensure_admin())

    assert first != second
    assert len(second) >= 20
    assert User.objects.filter(username="admin").count() == 1
    assert authenticate(_request(), username="admin", password=first) is None
    assert authenticate(_request(), username="admin", password=second) is not None


def test_it_resets_an_existing_user_to_an_active_superuser():
    User.objects.create_user("admin", password="forgotten-long-ago", is_active=False)

    output = _ensure_admin()

    user = User.objects.get(username="admin")
    assert user.is_superuser and user.is_staff and user.is_active
    assert "Reset" in output
    assert authenticate(_request(), username="admin", password=_printed_password(output)) == user


def test_it_honours_a_chosen_password(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "correct-horse-battery-staple")

    output = _ensure_admin()

    assert (
        authenticate(_request(), username="admin", password="correct-horse-battery-staple")
        is not None
    )
    assert "correct-horse-battery-staple" not in output
    assert "DJANGO_ADMIN_PASSWORD" in output


def test_it_refuses_a_weak_chosen_password(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "password")

    with pytest.raises(CommandError, match="DJANGO_ADMIN_PASSWORD"):
        _ensure_admin()

    assert not User.objects.filter(username="admin").exists()


def test_it_prints_the_address_it_is_given():
    output = _ensure_admin("--url", "http://localhost:9000/admin/")

    assert "http://localhost:9000/admin/" in output
