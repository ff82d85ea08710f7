"""Login security (等保 2.0 level 3): password rules, forced change, lockout, idle timeout, session rotation,
safe redirects, and disabled or reset accounts losing their sessions at once."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import services
from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.accounts.validators import CharacterClassValidator, NoUsernameValidator
from dangjian.conftest import PASSWORD, make_user
from dangjian.core.models import AuditEntry

LOGIN = "/accounts/login/"
PROFILE = "/accounts/me/"
WRONG_MESSAGE = "用户名或密码错误。"


def _login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def _form_errors(response):
    return list(response.context["form"].non_field_errors()) if response.context else None


def _alert(response):
    match = re.search(r'<div class="alert alert-danger"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return match.group(1).strip() if match else None


# --- password rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "ok"), [
    ("Kq7mZpwx", True),        # 8 characters, 3 classes
    ("abcdef1!", True),        # lower, digit, symbol
    ("Abc1!", False),          # too short
    ("abcdefgh", False),       # one class
    ("abcdefg1", False),       # two classes
    ("ABCDEFG!", False),       # two classes
])
def test_length_and_character_classes(db, password, ok):
    user = User(username="someone")
    if ok:
        password_validation.validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            password_validation.validate_password(password, user)


def test_character_class_validator_message():
    with pytest.raises(ValidationError) as exc:
        CharacterClassValidator(min_classes=3).validate("abcdefg1")
    assert exc.value.messages == ["密码必须混合至少 3 类字符：小写字母、大写字母、数字、符号。"]
    CharacterClassValidator(min_classes=3).validate("abcDEF12")


def test_password_must_not_contain_the_username():
    user = type("U", (), {"username": "wanzhai"})()
    with pytest.raises(ValidationError) as exc:
        NoUsernameValidator().validate("My-WanZhai-99", user)
    assert exc.value.messages == ["密码不能包含用户名。"]
    NoUsernameValidator().validate("My-Village-99", user)


def test_settings_hold_the_policy():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names[:3] == ["MinimumLengthValidator", "CharacterClassValidator", "NoUsernameValidator"]
    assert settings.AUTH_PASSWORD_VALIDATORS[0]["OPTIONS"]["min_length"] == 8
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=30)
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


# --- forced change at first login --------------------------------------------------------------------------


def test_a_new_account_must_change_its_password_first(client, tree, users):
    user = services.user_create(actor=users["sysadmin"], username="newbie", name="新人", org=tree["wanzhai"],
                                role=Role.TOWNSHIP, password="Temp#2024x")
    response = _login(client, "newbie", "Temp#2024x")
    assert response.status_code == 302
    for path in ("/", PROFILE, "/accounts/users/", "/people/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change"), path
    assert client.get(reverse("accounts:password_change")).status_code == 200
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Temp#2024x", "new_password1": "Better#2025y", "new_password2": "Better#2025y"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(PROFILE).status_code == 200  # still signed in, free to go


def test_password_change_page_refuses_a_weak_password(client, tree, users):
    make_user(tree["wanzhai"], Role.TOWNSHIP, "newbie", must_change_password=True)
    client.post(LOGIN, {"username": "newbie", "password": PASSWORD})
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "newbie123", "new_password2": "newbie123"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "不能包含用户名" in errors
    assert client.get(PROFILE).status_code == 302


def test_a_reset_password_must_be_changed_and_ends_open_sessions(client, tree, users):
    _login(client, "wanzhai", PASSWORD)
    assert client.get(PROFILE).status_code == 200
    services.user_reset_password(actor=users["sysadmin"], user=users["wanzhai"], password="Reset#2024x")
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    _login(client, "wanzhai", "Reset#2024x")
    assert client.get(PROFILE)["Location"] == reverse("accounts:password_change")


# --- lockout -----------------------------------------------------------------------------------------------


# A fixed instant: 2026-03-02 14:04:30 in Shanghai. Five failures lock the username until 14:34:30, and the
# message says to retry after 14:35 (rounded up, so a retry at the time shown succeeds).
LOCK_START = datetime.datetime(2026, 3, 2, 14, 4, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
LOCKED_MESSAGE = "该账号已暂时锁定，请于 14:35 后重试。"


def test_five_failures_lock_the_account_for_30_minutes_and_say_until_when(client, users):
    with time_machine.travel(LOCK_START, tick=False) as clock:
        wrong = _login(client, "wanzhai", "Wrong#2024")
        assert wrong.status_code == 200
        assert _alert(wrong) == WRONG_MESSAGE and _form_errors(wrong) == [WRONG_MESSAGE]
        for _ in range(3):
            assert _alert(_login(client, "wanzhai", "Wrong#2024")) == WRONG_MESSAGE
        fifth = _login(client, "wanzhai", "Wrong#2024")  # this failure reaches the limit
        assert _alert(fifth) == LOCKED_MESSAGE
        clock.shift(datetime.timedelta(minutes=5))
        locked = _login(client, "wanzhai", PASSWORD)  # the correct password, while locked
        assert locked.status_code == 200
        assert _alert(locked) == LOCKED_MESSAGE and _form_errors(locked) == [LOCKED_MESSAGE]
        assert "_auth_user_id" not in client.session
        clock.shift(datetime.timedelta(minutes=24))  # 14:33:30, still locked: attempts do not extend it
        assert _alert(_login(client, "wanzhai", PASSWORD)) == LOCKED_MESSAGE
        clock.shift(datetime.timedelta(minutes=1, seconds=30))  # 14:35:00, the time the message named
        response = _login(client, "wanzhai", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(users["wanzhai"].pk)
    account = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(users["wanzhai"].pk))
    actions = list(account.order_by("seq").values_list("action", flat=True))
    assert actions.count("auth.login_failed") >= 5 and "auth.lockout" in actions and actions[-1] == "auth.login"


def test_an_unknown_username_is_locked_the_same_way(client, users):
    """django-axes counts attempts per username whether the account exists or not: the lockout message
    cannot tell an existing account from a made-up name."""
    answers = {}
    for username in ("wanzhai", "nobody-here"):
        with time_machine.travel(LOCK_START, tick=False):
            before = [_alert(_login(client, username, "Wrong#2024")) for _ in range(4)]
            fifth = _alert(_login(client, username, "Wrong#2024"))
            sixth = _login(client, username, PASSWORD)
        answers[username] = (before, fifth, _alert(sixth), sixth.status_code)
    assert answers["wanzhai"] == answers["nobody-here"] == ([WRONG_MESSAGE] * 4, LOCKED_MESSAGE, LOCKED_MESSAGE, 200)
    assert AuditEntry.objects.filter(action="auth.lockout", object_repr="nobody-here", object_id="").exists()


def test_lockout_message_names_the_date_when_the_lock_lifts_tomorrow(client, users):
    late = datetime.datetime(2026, 3, 2, 23, 50, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    with time_machine.travel(late, tick=False):
        for _ in range(5):
            response = _login(client, "wanzhai", "Wrong#2024")
    assert _alert(response) == "该账号已暂时锁定，请于 2026-03-03 00:20 后重试。"


def test_lockout_is_per_account(client, users):
    for _ in range(5):
        _login(client, "wanzhai", "Wrong#2024")
    assert _login(client, "xiaohe", PASSWORD).status_code == 302


def test_a_disabled_account_gets_the_same_message(client, users):
    services.user_disable(actor=users["sysadmin"], user=users["wujiatai"])
    assert _alert(_login(client, "wujiatai", PASSWORD)) == WRONG_MESSAGE


# --- sessions ----------------------------------------------------------------------------------------------


def test_idle_sessions_end_after_30_minutes(client, users):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert _login(client, "wanzhai", PASSWORD).status_code == 302
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(PROFILE).status_code == 200  # 29 idle minutes: still in
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(PROFILE).status_code == 200  # activity slid the window: 58 minutes since login
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_session_key_rotates_at_login(client, users):
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _login(client, "wanzhai", PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)


def test_session_cookie_is_http_only(client, users):
    _login(client, "wanzhai", PASSWORD)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


@pytest.mark.parametrize("target", ["http://evil.example/", "//evil.example/", "https://evil.example/x"])
def test_login_does_not_follow_an_open_redirect(client, users, target):
    response = client.post(f"{LOGIN}?next={target}", {"username": "wanzhai", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_follows_a_local_next(client, users):
    response = _login(client, "wanzhai", PASSWORD, next="/accounts/me/")
    assert response["Location"] == "/accounts/me/"


def test_disabling_an_account_ends_its_session_at_once(client, users):
    _login(client, "wujiatai", PASSWORD)
    assert client.get(PROFILE).status_code == 200
    services.user_disable(actor=users["sysadmin"], user=users["wujiatai"])
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    # Enabling the account again does not bring the old session back.
    services.user_enable(actor=users["sysadmin"], user=users["wujiatai"])
    assert client.get(PROFILE).status_code == 302


def test_logout_is_post_and_ends_the_session(client, users):
    _login(client, "wanzhai", PASSWORD)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 302
