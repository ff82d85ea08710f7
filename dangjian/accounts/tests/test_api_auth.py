"""API authentication (token login with the page's lockout rules, logout, token use) and the accounts endpoints
(/api/v1/me/, /api/v1/users/ with the services' scope and role-rank rules)."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangjian.accounts.lockout import login_failed_message
from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.conftest import PASSWORD, make_person, make_user
from dangjian.core.models import AuditEntry
from dangjian.core.permissions import granted

TOKEN_URL = "/api/v1/auth/token/"
CJK = re.compile(r"[\u4e00-\u9fff]")
NEW_PASSWORD = "Xuanen#2024a"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The token endpoint's rate limit lives in the cache, which outlives a test's database transaction."""
    cache.clear()
    yield
    cache.clear()


def zh(msgid):
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def obtain(username, password=PASSWORD, api=None):
    return (api or APIClient()).post(TOKEN_URL, {"username": username, "password": password}, format="json")


def token_client(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def audit_count(action, **filters):
    return AuditEntry.objects.filter(action=action, **filters).count()


def assert_refused(response, field, msgid=None):
    assert response.status_code == 400, response.content
    messages = response.json()[field]
    assert messages and all(CJK.search(m) for m in messages), messages
    if msgid is not None:
        assert zh(msgid) in messages, messages


# --- token login ------------------------------------------------------------------------------------------


def test_token_login_and_use(users):
    response = obtain("wanzhai")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=users["wanzhai"]).key == key
    entry = AuditEntry.objects.filter(action="auth.login").latest("seq")
    assert entry.actor_id == users["wanzhai"].pk and entry.outcome == "success"
    users["wanzhai"].refresh_from_db()
    assert users["wanzhai"].last_login is not None
    me = token_client(key).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "wanzhai"
    assert token_client(key).get("/api/v1/orgs/").json()["count"] == 3


def test_token_rotates_on_each_login(users):
    first = obtain("wanzhai").json()["token"]
    second = obtain("wanzhai").json()["token"]
    assert first != second
    assert token_client(first).get("/api/v1/me/").status_code == 401
    assert token_client(second).get("/api/v1/me/").status_code == 200


def test_every_failure_gets_the_same_answer(users):
    users["leader"].is_active = False
    users["leader"].save()
    answers = [obtain("wanzhai", "wrong-Password1"), obtain("nobody"), obtain("leader")]
    assert {r.status_code for r in answers} == {400}
    assert len({r.content for r in answers}) == 1
    assert answers[0].json() == {"non_field_errors": [login_failed_message()]}
    assert CJK.search(answers[0].json()["non_field_errors"][0])
    failures = AuditEntry.objects.filter(action="auth.login_failed").order_by("seq")
    assert [e.object_repr for e in failures] == ["wanzhai", "nobody", "leader"]
    assert {e.outcome for e in failures} == {"failure"}
    assert not Token.objects.exists()


def test_missing_fields_are_field_errors(db):
    response = APIClient().post(TOKEN_URL, {"username": "wanzhai"}, format="json")
    assert response.status_code == 400 and CJK.search(response.json()["password"][0])


LOCK_START = datetime.datetime(2026, 3, 2, 14, 4, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
LOCKED = {"non_field_errors": ["该账号已暂时锁定，请于 14:35 后重试。"]}


@pytest.mark.parametrize("username", ["wanzhai", "nobody-here"])
def test_lockout_after_five_failures(users, username):
    """The same for an existing account and a made-up username: the lockout message reveals no account."""
    with time_machine.travel(LOCK_START, tick=False) as clock:
        wrong = obtain(username, "wrong-Password1")
        assert wrong.json() == {"non_field_errors": [login_failed_message()]}
        for _ in range(3):
            assert obtain(username, "wrong-Password1").content == wrong.content
        fifth = obtain(username, "wrong-Password1")
        assert fifth.status_code == 400 and fifth.json() == LOCKED
        assert audit_count("auth.login_failed", object_repr=username) == 5
        assert audit_count("auth.lockout", object_repr=username, outcome="denied") == 1
        clock.shift(datetime.timedelta(minutes=1))
        locked = obtain(username)  # the right password (for wanzhai), while locked
        assert locked.status_code == 400 and locked.json() == LOCKED
        assert not Token.objects.exists()
        assert not AuditEntry.objects.filter(action__in=["auth.login", "auth.token_issue"]).exists()
        # Other accounts are not affected.
        assert obtain("xiaohe").status_code == 200
        # 30 minutes later the username opens again (no later: attempts during the lockout do not extend it).
        clock.shift(datetime.timedelta(minutes=28, seconds=59))  # 14:34:29
        assert obtain(username).json() == LOCKED
        clock.shift(datetime.timedelta(seconds=31))  # 14:35:00, the time the message named
        assert obtain(username).status_code == (200 if username == "wanzhai" else 400)
        if username != "wanzhai":
            assert obtain(username).json() == {"non_field_errors": [login_failed_message()]}


def test_lockout_counts_page_and_api_attempts_together(users):
    for _ in range(3):
        obtain("wanzhai", "wrong-Password1")
    page = Client()
    for _ in range(2):
        page.post("/accounts/login/", {"username": "wanzhai", "password": "wrong-Password1"})
    assert audit_count("auth.lockout", object_repr="wanzhai") == 1
    assert obtain("wanzhai").status_code == 400
    page.post("/accounts/login/", {"username": "wanzhai", "password": PASSWORD})
    assert "_auth_user_id" not in page.session


def test_successful_login_resets_the_failure_count(users):
    for _ in range(4):
        obtain("wanzhai", "wrong-Password1")
    assert obtain("wanzhai").status_code == 200
    for _ in range(4):
        obtain("wanzhai", "wrong-Password1")
    assert obtain("wanzhai").status_code == 200


def test_token_endpoint_is_throttled(db):
    statuses = [APIClient().post(TOKEN_URL, {}, format="json").status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20 and statuses[20] == 429
    # A forged X-Forwarded-For header does not buy a fresh allowance; another address has its own.
    forged = APIClient().post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="10.9.8.7")
    assert forged.status_code == 429
    assert APIClient().post(TOKEN_URL, {}, format="json", REMOTE_ADDR="10.0.0.2").status_code == 400


def test_bad_token_is_401(db):
    assert token_client("0" * 40).get("/api/v1/me/").status_code == 401
    assert APIClient().get("/api/v1/me/").status_code == 401


def test_token_expires_when_idle(users):
    key = obtain("wanzhai").json()["token"]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20)):
        assert token_client(key).get("/api/v1/me/").status_code == 200  # each use slides the window
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=45)):
        assert token_client(key).get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=80)):
        assert token_client(key).get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(key=key).exists()


def test_logout_deletes_the_token(users):
    key = obtain("wanzhai").json()["token"]
    api = token_client(key)
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert not Token.objects.filter(key=key).exists()
    entry = AuditEntry.objects.filter(action="auth.logout").latest("seq")
    assert entry.actor_id == users["wanzhai"].pk
    assert api.get("/api/v1/me/").status_code == 401
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_user_who_must_change_password_gets_403(tree):
    make_user(tree["wanzhai"], Role.TOWNSHIP, "newcomer", must_change_password=True)
    key = obtain("newcomer").json()["token"]
    for url in ("/api/v1/me/", "/api/v1/orgs/", "/api/v1/people/"):
        response = token_client(key).get(url)
        assert response.status_code == 403
        assert response.json()["detail"] == zh("You must change your password before using the API.")


# --- /me/ ---------------------------------------------------------------------------------------------------


def test_me(users, tree):
    body = client(users["wanzhai"]).get("/api/v1/me/").json()
    assert body["username"] == "wanzhai" and body["name"] == "测试用户"
    assert body["org"] == {"id": tree["wanzhai"].pk, "name": "中共万寨乡委员会", "level": 4}
    assert body["role"] == "township" and CJK.search(body["role_display"])
    assert body["capabilities"] == granted(Role.TOWNSHIP)
    assert {"org.edit", "org.view", "person.edit", "person.view", "self.service"} <= set(body["capabilities"])
    assert "password" not in body
    assert client(users["auditor"]).get("/api/v1/me/").json()["capabilities"] == ["audit.view"]


# --- /users/ ------------------------------------------------------------------------------------------------


def test_users_are_for_system_administrators_in_scope(users):
    body = client(users["sysadmin"]).get("/api/v1/users/", {"page_size": 100}).json()
    assert body["count"] == len(users)
    assert {row["username"] for row in client(users["badong_sysadmin"]).get("/api/v1/users/").json()["results"]} \
        == {"badong", "badong_sysadmin"}
    for row in body["results"]:
        assert "password" not in row
    assert "pbkdf2" not in str(body) and "md5$" not in str(body)
    for who in ("zhou_admin", "secadmin", "auditor", "wanzhai"):  # other roles: 403, as on the pages
        api = client(users[who])
        assert api.get("/api/v1/users/").status_code == 403
        assert api.get(f"/api/v1/users/{users['member'].pk}/").status_code == 403
        assert api.post(f"/api/v1/users/{users['member'].pk}/disable/").status_code == 403
        assert api.post("/api/v1/users/", {}, format="json").status_code == 403
        users["member"].refresh_from_db()
        assert users["member"].is_active
    api = client(users["badong_sysadmin"])
    assert api.get(f"/api/v1/users/{users['wanzhai'].pk}/").status_code == 404
    assert api.post(f"/api/v1/users/{users['wanzhai'].pk}/disable/").status_code == 404
    assert api.patch(f"/api/v1/users/{users['wanzhai'].pk}/", {"name": "x"}, format="json").status_code == 404


def test_users_filter(users):
    api = client(users["sysadmin"])
    assert {r["username"] for r in api.get("/api/v1/users/", {"q": "badong"}).json()["results"]} == {
        "badong", "badong_sysadmin"}
    assert {r["username"] for r in api.get("/api/v1/users/", {"role": "township"}).json()["results"]} == {
        "wanzhai", "xiaohe"}


def _new_user(org, **overrides):
    data = {"username": "xinling.zhang", "name": "张明", "org": org.pk, "role": "township",
            "password": NEW_PASSWORD}
    data.update(overrides)
    return data


def test_create_user(users, tree):
    person = make_person(tree["yunlong"])
    api = client(users["badong_sysadmin"])
    response = api.post("/api/v1/users/", _new_user(tree["xinling"], id_number=person.id_number), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body and body["must_change_password"] is True and body["person"] == person.pk
    account = User.objects.get(username="xinling.zhang")
    assert account.check_password(NEW_PASSWORD) and account.org == tree["xinling"]
    entry = AuditEntry.objects.filter(action="user.create").latest("seq")
    assert entry.actor_id == users["badong_sysadmin"].pk and NEW_PASSWORD not in str(entry.after)
    # The new account cannot use the API before changing its password.
    key = obtain("xinling.zhang", NEW_PASSWORD).json()["token"]
    assert token_client(key).get("/api/v1/orgs/").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        ({"role": "secadmin", "org": "badong"}, "role",
         "An administrator role can only be granted at an organization below your own."),
        ({"role": "township", "org": "badong"}, "role", None),  # a township role at county level
        ({"username": "badong"}, "username", "This username is already taken."),
        ({"username": "Bad Name!"}, "username", None),
        ({"password": "short"}, "password", None),
        ({"password": "xinling.zhang2024A"}, "password", None),  # contains the username
        ({"role": "king"}, "role", None),
        ({"id_number": "422801199001011234"}, "id_number", None),  # wrong check digit
        ({"name": ""}, "name", None),
    ],
)
def test_create_user_refusals(users, tree, overrides, field, msgid):
    overrides = dict(overrides)
    org = tree[overrides.pop("org", "xinling")]
    before = (User.objects.count(), AuditEntry.objects.count())
    response = client(users["badong_sysadmin"]).post("/api/v1/users/", _new_user(org, **overrides), format="json")
    assert_refused(response, field, msgid)
    assert (User.objects.count(), AuditEntry.objects.count()) == before


def test_create_user_member_record_must_be_in_the_organization(users, tree):
    outside = make_person(tree["wujiatai"])
    response = client(users["sysadmin"]).post("/api/v1/users/", _new_user(tree["xinling"], id_number=outside.id_number),
                                              format="json")
    assert_refused(response, "id_number")
    assert not User.objects.filter(username="xinling.zhang").exists()


def test_create_user_in_another_county_is_404(users, tree):
    response = client(users["badong_sysadmin"]).post("/api/v1/users/", _new_user(tree["wanzhai"]), format="json")
    assert response.status_code == 404
    assert not User.objects.filter(username="xinling.zhang").exists()


def test_update_user(users, tree):
    api = client(users["badong_sysadmin"])
    target = users["badong_admin"]
    url = f"/api/v1/users/{target.pk}/"
    response = api.patch(url, {"name": "巴东组织部"}, format="json")
    assert response.status_code == 200, response.content
    target.refresh_from_db()
    assert target.name == "巴东组织部"
    before = AuditEntry.objects.count()
    assert_refused(api.patch(url, {"role": "township"}, format="json"), "role")  # not at county level
    assert api.patch(url, {"org": tree["wanzhai"].pk}, format="json").status_code == 404
    assert AuditEntry.objects.count() == before
    response = api.put(url, {"name": "信陵镇干部", "org": tree["xinling"].pk, "role": "township"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["org"]["id"] == tree["xinling"].pk
    # Own account: name only.
    own = f"/api/v1/users/{users['badong_sysadmin'].pk}/"
    assert api.patch(own, {"name": "系统管理员"}, format="json").status_code == 200
    assert_refused(api.patch(own, {"role": "org_dept"}, format="json"), "role", "You cannot change your own role.")


def test_three_administrators_stay_separate(users):
    """The prefecture's system administrator cannot touch the security or audit administrator beside them."""
    api = client(users["sysadmin"])
    for who in ("secadmin", "auditor"):
        target = users[who]
        for method, path, data in [("patch", "", {"name": "x"}), ("post", "reset-password/",
                                                                   {"password": NEW_PASSWORD}),
                                   ("post", "disable/", None)]:
            response = getattr(api, method)(f"/api/v1/users/{target.pk}/{path}", data, format="json")
            assert response.status_code == 403, (who, path)
        target.refresh_from_db()
        assert target.is_active and target.name == "测试用户"


def test_reset_password(users, tree):
    make_user(tree["xinling"], Role.TOWNSHIP, "xinling")
    key = obtain("xinling").json()["token"]
    api = client(users["badong_sysadmin"])
    url = f"/api/v1/users/{User.objects.get(username='xinling').pk}/reset-password/"
    assert_refused(api.post(url, {"password": "abc"}, format="json"), "password")
    response = api.post(url, {"password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["must_change_password"] is True
    assert token_client(key).get("/api/v1/me/").status_code == 401  # its API token ended
    assert obtain("xinling").status_code == 400
    assert obtain("xinling", NEW_PASSWORD).status_code == 200
    assert AuditEntry.objects.filter(action="user.reset_password").exists()
    own = f"/api/v1/users/{users['badong_sysadmin'].pk}/reset-password/"
    assert_refused(api.post(own, {"password": NEW_PASSWORD}, format="json"), "password")
    # An account that reveals personal data, with no second factor: the security administrator issues it.
    revealer = f"/api/v1/users/{users['badong_admin'].pk}/reset-password/"
    assert_refused(api.post(revealer, {"password": NEW_PASSWORD}, format="json"), "password")
    assert obtain("badong").status_code == 200


def test_disable_and_enable(users):
    key = obtain("badong").json()["token"]
    api = client(users["badong_sysadmin"])
    url = f"/api/v1/users/{users['badong_admin'].pk}/"
    response = api.post(url + "disable/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert token_client(key).get("/api/v1/me/").status_code == 401
    assert obtain("badong").status_code == 400
    assert_refused(api.post(url + "disable/"), "non_field_errors", "The account is already disabled.")
    assert api.post(url + "enable/").json()["is_active"] is True
    assert obtain("badong").status_code == 200
    assert_refused(api.post(f"/api/v1/users/{users['badong_sysadmin'].pk}/disable/"), "non_field_errors",
                   "You cannot disable your own account.")


def test_users_list_query_count_does_not_grow(users, tree):
    api = client(users["badong_sysadmin"])
    params = {"page_size": 100}

    def measure():
        api.get("/api/v1/users/", params)
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/users/", params)
        return len(ctx.captured_queries), response.json()["count"]

    for i in range(3):
        make_user(tree["yunlong"], Role.SECRETARY, f"qc-{i}")
    small = measure()
    for i in range(3, 48):
        make_user(tree["yunlong"], Role.SECRETARY, f"qc-{i}")
    large = measure()
    assert (small[1], large[1]) == (5, 50)
    assert small[0] == large[0]
