"""Issue 6, findings 5, 6, 9, 11 and 12: demo and created accounts in production, a password change ending the
other sessions and tokens, the per-address login limit on a shared cache, absolute session and token lifetimes,
password history and maximum age."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from dangjian.accounts import services
from dangjian.accounts.models import PreviousPassword, User
from dangjian.accounts.roles import Role
from dangjian.conftest import PASSWORD, make_user
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Org

LOGIN = "/accounts/login/"
PROFILE = "/accounts/me/"
PASSWORD_PAGE = "/accounts/password/"
TOKEN_URL = "/api/v1/auth/token/"
ME = "/api/v1/me/"
START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
PASSWORDS = ["Xuanen#2024a", "Enshi#2024b", "Badong#2024c", "Lichuan#2024d", "Laifeng#2024e", "Hefeng#2024f"]


def zh(msgid):
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def obtain(username, password=PASSWORD, ip="10.0.0.1"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json",
                            REMOTE_ADDR=ip)


def token_client(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def spray(count, ip="10.0.0.1"):
    """`count` failed logins from one address, one per account name, alternating the login page and the API
    (so the token endpoint's own rate, 20 a minute, is not what stops them)."""
    client = Client()
    for n in range(count):
        if n % 2:
            assert obtain(f"user{n}", "Wrong#2024x", ip=ip).status_code == 400
        else:
            assert login(client, f"user{n}", "Wrong#2024x", ip=ip).status_code == 200


def change_password(client, old, new):
    return client.post(PASSWORD_PAGE, {"old_password": old, "new_password1": new, "new_password2": new})


# --- finding 5: demo and created accounts in production --------------------------------------------------


def test_the_demo_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo", "--scale", "small", verbosity=0)
    assert not Org.objects.exists() and not User.objects.exists()


def test_in_production_every_created_account_must_change_its_password(tree, settings):
    settings.PRODUCTION = True
    user = make_user(tree["xuanen"], Role.ORG_DEPT, "prod", must_change_password=False)
    assert user.must_change_password


def test_create_admin_makes_the_password_change_at_first_login(tree, monkeypatch):
    monkeypatch.setenv("DANGJIAN_ADMIN_PASSWORD", "Install#2024x")
    call_command("create_admin", org=tree["xuanen"].code, role=Role.SECADMIN, username="sec1", name="安全员",
                 stdout=open("/dev/null", "w"))
    assert User.objects.get(username="sec1").must_change_password


def test_an_administrator_created_account_must_change_its_password(tree, users):
    account = services.user_create(actor=users["sysadmin"], username="new1", name="新用户", org=tree["wanzhai"],
                                   role=Role.TOWNSHIP, password="Wanzhai#2024x", must_change_password=False)
    assert account.must_change_password


# --- finding 6: a password change ends the other sessions and every token -----------------------------------


def test_changing_ones_password_ends_other_sessions_and_tokens(users):
    here, elsewhere = Client(), Client()
    login(here, "wanzhai")
    login(elsewhere, "wanzhai")
    key = obtain("wanzhai").json()["token"]
    assert token_client(key).get(ME).status_code == 200
    response = change_password(here, PASSWORD, PASSWORDS[0])
    assert response.status_code == 302
    assert here.get(PROFILE).status_code == 200  # the changer's own session stays
    gone = elsewhere.get(PROFILE)
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("accounts:login"))
    assert token_client(key).get(ME).status_code == 401
    entry = AuditEntry.objects.filter(action="auth.password_change").latest("seq")
    assert entry.after == {"api_tokens_ended": 1}


def test_a_reset_ends_sessions_and_tokens(users):
    elsewhere = Client()
    login(elsewhere, "wanzhai")
    key = obtain("wanzhai").json()["token"]
    services.user_reset_password(actor=users["sysadmin"], user=users["wanzhai"], password="Reset#2024x")
    assert elsewhere.get(PROFILE).status_code == 302
    assert token_client(key).get(ME).status_code == 401


# --- finding 12: password history and maximum age -------------------------------------------------------


def test_the_last_five_passwords_cannot_be_reused(users):
    user = User.objects.get(username="wanzhai")
    current = PASSWORD
    for new in PASSWORDS[:5]:
        services.password_change(user=user, new_password=new)
        current = new
    assert PreviousPassword.objects.filter(user=user).count() == settings.PASSWORD_HISTORY_COUNT
    # Current: PASSWORDS[4]; the last five are PASSWORDS[0..4].
    for old in PASSWORDS[:4]:
        user.refresh_from_db()
        before = (user.password, user.password_changed_at, AuditEntry.objects.count())
        with pytest.raises(Exception) as excinfo:
            services.password_change(user=user, new_password=old)
        assert "new_password1" in excinfo.value.message_dict
        user.refresh_from_db()
        assert (user.password, user.password_changed_at, AuditEntry.objects.count()) == before
    # The sixth-last (the first password) may come back.
    services.password_change(user=user, new_password=PASSWORD)
    assert user.check_password(PASSWORD) and current != PASSWORD


def test_the_password_page_says_why_a_recent_password_is_refused(users):
    client = Client()
    login(client, "wanzhai")
    change_password(client, PASSWORD, PASSWORDS[0])
    with translation.override("zh-hans"):
        response = client.post(PASSWORD_PAGE, {"old_password": PASSWORDS[0], "new_password1": PASSWORD,
                                               "new_password2": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "最近" in response.content.decode()
    assert User.objects.get(username="wanzhai").check_password(PASSWORDS[0])


def test_a_password_older_than_the_maximum_age_must_be_changed(users):
    with time_machine.travel(START, tick=False) as clock:
        user = User.objects.get(username="wanzhai")
        services.password_change(user=user, new_password=PASSWORDS[0])
        clock.shift(settings.PASSWORD_MAX_AGE - datetime.timedelta(hours=1))
        client = Client()
        login(client, "wanzhai", PASSWORDS[0])
        assert client.get(PROFILE).status_code == 200
        key = obtain("wanzhai", PASSWORDS[0]).json()["token"]
        assert token_client(key).get(ME).status_code == 200
        clock.shift(datetime.timedelta(hours=2))  # older than 90 days now
        client = Client()
        login(client, "wanzhai", PASSWORDS[0])
        assert client.get(PROFILE)["Location"] == reverse("accounts:password_change")
        key = obtain("wanzhai", PASSWORDS[0]).json()["token"]
        assert token_client(key).get(ME).status_code == 403
        session_api = APIClient()
        session_api.force_login(User.objects.get(username="wanzhai"))
        assert session_api.get(ME).status_code == 403
        # Changing it restarts the age.
        assert change_password(client, PASSWORDS[0], PASSWORDS[1]).status_code == 302
        assert client.get(PROFILE).status_code == 200


# --- finding 11: absolute session and token lifetime ------------------------------------------------------


def test_a_busy_session_ends_12_hours_after_login(users):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        login(client, "wanzhai")
        for _step in range(int(11.9 * 60 // 25)):  # a request every 25 minutes: never idle
            clock.shift(datetime.timedelta(minutes=25))
            assert client.get(PROFILE).status_code == 200
        clock.shift(datetime.timedelta(minutes=25))  # past 12 hours since the login
        response = client.get(PROFILE)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert AuditEntry.objects.filter(action="auth.logout").exists()


def test_a_busy_token_ends_12_hours_after_issue(users):
    with time_machine.travel(START, tick=False) as clock:
        api = token_client(obtain("wanzhai").json()["token"])
        for _step in range(int(11.9 * 60 // 25)):
            clock.shift(datetime.timedelta(minutes=25))
            assert api.get(ME).status_code == 200
        clock.shift(datetime.timedelta(minutes=25))
        assert api.get(ME).status_code == 401
        api = token_client(obtain("wanzhai").json()["token"])  # a fresh login gives a fresh token
        assert api.get(ME).status_code == 200


# --- finding 9: per-address limit, shared cache -----------------------------------------------------------


def test_spraying_from_one_address_is_refused_on_page_and_api_together(users):
    spray(settings.LOGIN_IP_FAILURE_LIMIT)  # one wrong password per name: no account reaches its own lockout
    before = User.objects.get(username="wanzhai").last_login
    # Now even the right password is refused from that address, with a clear message, and audited.
    response = login(Client(), "wanzhai")
    assert response.status_code == 200
    assert zh("Too many failed logins from your network address. Please try again in %(minutes)d minutes.") % {
        "minutes": 10} in response.content.decode()
    api_response = obtain("wanzhai")
    assert api_response.status_code == 429
    assert zh("Too many failed logins from your network address. Please try again in %(minutes)d minutes.") % {
        "minutes": 10} in api_response.json()["detail"]
    assert User.objects.get(username="wanzhai").last_login == before
    assert AuditEntry.objects.filter(action="auth.ip_throttled", outcome="denied", object_repr="wanzhai").count() == 2
    # Another address is not affected, and the account itself is not locked.
    assert login(Client(), "wanzhai", ip="10.0.0.2").status_code == 302
    assert obtain("wanzhai", ip="10.0.0.2").status_code == 200


def test_the_address_limit_lifts_after_its_window(users):
    with time_machine.travel(START, tick=False) as clock:
        spray(settings.LOGIN_IP_FAILURE_LIMIT)
        assert obtain("wanzhai").status_code == 429
        clock.shift(settings.LOGIN_IP_FAILURE_WINDOW + datetime.timedelta(seconds=1))
        assert obtain("wanzhai").status_code == 200


def test_the_cache_is_shared_by_every_worker_by_default():
    """Settings as deployed (the suite swaps in a per-test memory cache): the database cache, or Redis."""
    import dangjian.settings as deployed

    assert deployed.CACHES["default"]["BACKEND"] in {"django.core.cache.backends.db.DatabaseCache",
                                                     "django.core.cache.backends.redis.RedisCache"}


def test_the_database_cache_holds_the_count_for_every_worker(users, settings):
    """Two workers = two cache clients on one table: a failure counted by one is seen by the other."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "dangjian_cache"}}
    assert "dangjian_cache" in connection.introspection.table_names()  # created by the accounts migration
    spray(settings.LOGIN_IP_FAILURE_LIMIT)
    other_worker = caches.create_connection("default")
    keys = [key for key in ["dangjian:login-failures:10.0.0.1"] if other_worker.get(key)]
    assert keys and other_worker.get(keys[0]) == settings.LOGIN_IP_FAILURE_LIMIT
    assert obtain("wanzhai").status_code == 429


def test_the_security_page_shows_the_new_policy(users, tree):
    client = Client()
    client.force_login(make_user(tree["zhou"], Role.SECADMIN, "sec"))
    page = client.get("/accounts/security/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="id-probes"' in page and "12" in page and "90" in page
