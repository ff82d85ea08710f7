"""The system, security and audit administrators' pages: access, scope, forms, exports and query counts."""

import datetime
import io
import re

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.conftest import PASSWORD, make_user
from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.core.permissions import role_table

NEW_PASSWORD = "Xuanen#2024"


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def _usernames(response):
    return [u.username for u in response.context["page"]]


def _workbook_rows(response):
    """The header and data rows (row 1 is the export's title row)."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- access ---------------------------------------------------------------------------------------------------

USER_PAGES = ["accounts:user_list", "accounts:user_create", "accounts:user_export"]
SECURITY_PAGES = ["accounts:security"]
AUDIT_PAGES = ["accounts:audit_list", "accounts:audit_export"]


@pytest.mark.parametrize(("pages", "allowed"), [
    (USER_PAGES, "sysadmin"), (SECURITY_PAGES, "secadmin"), (AUDIT_PAGES, "auditor"),
])
def test_each_administrator_page_is_for_its_administrator_only(client, login, users, pages, allowed):
    for name in pages:
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        for key in ("zhou_admin", "sysadmin", "secadmin", "auditor", "wanzhai", "member"):
            login(users[key])
            expected = 200 if key == allowed else 403
            assert client.get(url).status_code == expected, (name, key)
        client.logout()


def test_user_detail_pages_403_for_other_roles_and_404_out_of_scope(client, login, users):
    target = users["wujiatai"]
    urls = [reverse(n, args=[target.pk]) for n in ("accounts:user_detail", "accounts:user_update",
                                                   "accounts:user_reset_password")]
    login(users["secadmin"])
    assert all(client.get(u).status_code == 403 for u in urls)
    login(users["badong_sysadmin"])  # 宣恩县's secretary does not exist for 巴东县
    assert all(client.get(u).status_code == 404 for u in urls)
    assert client.post(reverse("accounts:user_disable", args=[target.pk])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404
    login(users["sysadmin"])
    assert all(client.get(u).status_code == 200 for u in urls)


def test_audit_detail_for_the_auditor_only(client, login, users):
    entry = audit.record("test.event", actor=users["sysadmin"], after={"x": 1})
    url = reverse("accounts:audit_detail", args=[entry.seq])
    for key in ("sysadmin", "secadmin", "zhou_admin"):
        login(users[key])
        assert client.get(url).status_code == 403
    login(users["auditor"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("accounts:audit_detail", args=[entry.seq + 1000])).status_code == 404


# --- users ----------------------------------------------------------------------------------------------------


def test_user_list_is_scoped_and_filtered(client, login, users):
    login(users["badong_sysadmin"])
    names = _usernames(client.get(reverse("accounts:user_list")))
    assert "badong" in names and "badong_sysadmin" in names
    assert not {"wanzhai", "xiaohe", "zhou", "sysadmin"} & set(names)

    login(users["sysadmin"])
    url = reverse("accounts:user_list")
    assert set(_usernames(client.get(url, {"role": "township"}))) == {"wanzhai", "xiaohe"}
    assert _usernames(client.get(url, {"q": "wuj"})) == ["wujiatai"]
    User.objects.filter(username="member").update(is_active=False)
    assert _usernames(client.get(url, {"is_active": "false"})) == ["member"]
    assert "member" not in _usernames(client.get(url, {"is_active": "true"}))


def test_user_list_pagination_keeps_filters_in_the_url(client, login, tree, users):
    for i in range(25):
        make_user(tree["wujiatai"], Role.MEMBER, f"m{i:02d}")
    login(users["sysadmin"])
    response = client.get(reverse("accounts:user_list"), {"role": "member"})
    html = response.content.decode()
    assert "?role=member&amp;page=2" in html
    page2 = client.get(reverse("accounts:user_list"), {"role": "member", "page": 2})
    assert len(page2.context["page"]) == 6  # 26 members, 20 a page
    assert 'href="/accounts/users/export/?role=member"' in html


def test_user_list_query_count_is_constant(client, login, tree, users):
    login(users["sysadmin"])
    url = reverse("accounts:user_list")
    for i in range(5):
        make_user(tree["wujiatai"], Role.MEMBER, f"a{i:02d}")
    few = _query_count(client, url)
    for i in range(45):
        make_user(tree["yunlong"], Role.MEMBER, f"b{i:02d}")
    assert _query_count(client, url) == few


def test_user_list_is_usable_on_a_phone(client, login, users):
    login(users["sysadmin"])
    html = client.get(reverse("accounts:user_list")).content.decode()
    assert "table-responsive-stack" in html and 'data-label="组织"' in html
    assert "<script>" not in html and "onclick" not in html


def test_user_export_is_scoped_and_audited(client, login, users):
    login(users["badong_sysadmin"])
    response = client.get(reverse("accounts:user_export"), {"role": "org_dept"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _workbook_rows(response)
    assert rows[0][:4] == ["用户名", "姓名", "组织", "角色"]
    assert [r[0] for r in rows[1:]] == ["badong"]
    assert rows[1][3] == "组织部管理员"
    entry = AuditEntry.objects.get(action="user.export")
    assert entry.after == {"rows": 1, "format": "xlsx", "filter": {"role": ["org_dept"]}}
    assert entry.actor_id == users["badong_sysadmin"].pk


def test_create_user_through_the_page(client, login, tree, users):
    login(users["badong_sysadmin"])
    url = reverse("accounts:user_create")
    page = client.get(url).content.decode()
    assert "source=visible" in page and "中共万寨乡委员会" not in page  # the picker's source is scoped
    data = {"username": "xinling-zz", "name": "赵六", "org": tree["xinling"].pk, "role": "township",
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post(url, {**data, "role": "sysadmin", "org": tree["badong"].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == ["管理员角色只能授予本级以下组织的账号。"]
    response = client.post(url, {**data, "password1": "short", "password2": "short"})
    assert "至少" in " ".join(response.context["form"].errors["password1"])
    response = client.post(url, {**data, "username": "Bad Name"})
    assert "小写字母" in response.context["form"].errors["username"][0]
    response = client.post(url, {**data, "username": "Wanzhai"})
    assert response.context["form"].errors["username"] == ["该用户名已被占用。"]
    response = client.post(url, {**data, "org": tree["wanzhai"].pk})  # another county: not a choice
    assert "org" in response.context["form"].errors
    assert not User.objects.filter(username="xinling-zz").exists()
    response = client.post(url, data)
    created = User.objects.get(username="xinling-zz")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user_detail",
                                                                           args=[created.pk])
    assert created.must_change_password and created.org == tree["xinling"]


def test_create_user_links_a_member_record_by_id_number(client, login, tree, users, person_factory):
    person = person_factory(tree["wujiatai_b1"])
    login(users["sysadmin"])
    data = {"username": "wu-secretary", "name": person.name, "org": tree["wujiatai"].pk, "role": "secretary",
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post(reverse("accounts:user_create"), {**data, "org": tree["yunlong"].pk,
                                                              "id_number": person.id_number})
    assert "不属于" in response.context["form"].errors["id_number"][0]
    response = client.post(reverse("accounts:user_create"), {**data, "id_number": person.id_number.lower()})
    assert response.status_code == 302
    assert User.objects.get(username="wu-secretary").person == person
    detail = client.get(response["Location"]).content.decode()
    assert person.name in detail and person.id_number not in detail


def test_account_form_picks_the_org_with_the_picker(client, login, tree, users):
    login(users["badong_sysadmin"])
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert "source=visible" in page and "field=org" in page and "<select" not in page.split('name="org"')[0][-200:]
    picker = reverse("orgs:org_picker")
    html = client.get(picker, {"source": "visible", "field": "org", "q": "云龙"}).content.decode()
    assert "中共云龙河村支部委员会" in html and 'type="radio" name="org"' in html
    html = client.get(picker, {"source": "visible", "field": "org", "q": "万寨"}).content.decode()
    assert "万寨" not in html  # another county


def test_account_form_keeps_the_chosen_org_after_an_error(client, login, tree, users):
    login(users["sysadmin"])
    response = client.post(reverse("accounts:user_create"), {"username": "keep-org", "name": "",
                                                             "org": tree["yunlong"].pk, "role": "secretary"})
    assert response.status_code == 200 and response.context["form"].errors["name"]
    html = response.content.decode()
    assert f'name="org" value="{tree["yunlong"].pk}" checked' in html and tree["yunlong"].name in html
    assert not User.objects.filter(username="keep-org").exists()


def test_update_user_through_the_page(client, login, tree, users):
    login(users["sysadmin"])
    target = users["xiaohe"]
    url = reverse("accounts:user_update", args=[target.pk])
    response = client.post(url, {"name": "新名字", "org": tree["xiaohe"].pk, "role": "org_dept"})
    assert "不能设在" in response.context["form"].errors["role"][0]
    response = client.post(url, {"name": "新名字", "org": tree["xiaohe"].pk, "role": "township"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.name == "新名字"


def test_own_account_edit_keeps_role_and_org(client, login, tree, users):
    me = users["badong_sysadmin"]
    login(me)
    url = reverse("accounts:user_update", args=[me.pk])
    response = client.post(url, {"name": "我自己", "org": tree["xinling"].pk, "role": "member"})
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.name, me.org, me.role) == ("我自己", tree["badong"], Role.SYSADMIN)


def test_peer_administrators_cannot_be_changed(client, login, users):
    login(users["sysadmin"])
    secadmin = users["secadmin"]
    detail = client.get(reverse("accounts:user_detail", args=[secadmin.pk])).content.decode()
    assert reverse("accounts:user_reset_password", args=[secadmin.pk]) not in detail
    assert client.get(reverse("accounts:user_update", args=[secadmin.pk])).status_code == 403
    assert client.get(reverse("accounts:user_reset_password", args=[secadmin.pk])).status_code == 403
    assert client.post(reverse("accounts:user_disable", args=[secadmin.pk])).status_code == 403
    secadmin.refresh_from_db()
    assert secadmin.is_active


def test_reset_password_through_the_page(client, login, users):
    login(users["sysadmin"])
    target = users["wanzhai"]
    url = reverse("accounts:user_reset_password", args=[target.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": "other"})
    assert response.context["form"].errors["password2"] == ["两次输入的密码不一致。"]
    response = client.post(url, {"password1": "wanzhai#2024A", "password2": "wanzhai#2024A"})
    assert "不能包含用户名" in response.context["form"].errors["password1"][0]
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and target.must_change_password
    own = client.get(reverse("accounts:user_reset_password", args=[users["sysadmin"].pk]))
    assert own["Location"] == reverse("accounts:password_change")


def test_disable_and_enable_through_the_page(client, login, users):
    login(users["sysadmin"])
    target = users["wujiatai"]
    assert client.get(reverse("accounts:user_disable", args=[target.pk])).status_code == 405
    response = client.post(reverse("accounts:user_disable", args=[target.pk]), follow=True)
    assert "该账号已停用，其会话已立即结束。" in response.content.decode()
    target.refresh_from_db()
    assert not target.is_active
    client.post(reverse("accounts:user_enable", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active
    response = client.post(reverse("accounts:user_disable", args=[users["sysadmin"].pk]), follow=True)
    assert "不能停用本人账号。" in response.content.decode()


# --- security administrator -----------------------------------------------------------------------------------


def _fail(client, username, times=5):
    client.logout()
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "Wrong#2024"})


def test_security_page_shows_policy_and_unlocks(client, login, users):
    _fail(client, "wanzhai")
    _fail(client, "xiaohe", times=2)  # two failures: not locked
    login(users["secadmin"])
    response = client.get(reverse("accounts:security"))
    html = response.content.decode()
    assert [item.user.username for item in response.context["locked"]] == ["wanzhai"]
    assert "至少包含 8 个字符" in html or "8 个字符" in html
    policy = response.context["policy"]
    assert (policy["failure_limit"], policy["lockout_minutes"], policy["session_idle_minutes"],
            policy["token_idle_minutes"]) == (5, 30, 30, 30)
    response = client.post(reverse("accounts:account_unlock"), {"username": "wanzhai"}, follow=True)
    assert "已解锁" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="wanzhai").exists()
    entry = AuditEntry.objects.get(action="user.unlock")
    assert entry.actor_id == users["secadmin"].pk and entry.object_id == str(users["wanzhai"].pk)
    client.logout()
    assert client.post(reverse("accounts:login"), {"username": "wanzhai", "password": PASSWORD}).status_code == 302


def test_unlock_refusals(client, login, tree, users):
    login(users["secadmin"])
    response = client.post(reverse("accounts:account_unlock"), {"username": "xiaohe"}, follow=True)
    assert "该账号未被锁定。" in response.content.decode()
    assert client.post(reverse("accounts:account_unlock"), {"username": "nobody"}).status_code == 404
    county_secadmin = make_user(tree["badong"], Role.SECADMIN, "badong_secadmin")
    _fail(client, "wanzhai")
    login(county_secadmin)
    assert client.get(reverse("accounts:security")).context["locked"] == []  # another county's account
    assert client.post(reverse("accounts:account_unlock"), {"username": "wanzhai"}).status_code == 404
    login(users["sysadmin"])
    assert client.post(reverse("accounts:account_unlock"), {"username": "wanzhai"}).status_code == 403
    assert AccessAttempt.objects.filter(username="wanzhai").exists()
    assert not AuditEntry.objects.filter(action="user.unlock").exists()


# --- audit administrator --------------------------------------------------------------------------------------


def _entries(n, **kwargs):
    for i in range(n):
        audit.record(kwargs.get("action", "test.event"), object_type="test.thing", object_id=str(i),
                     object_repr=f"thing {i}", after={"i": i})


def test_audit_list_filters_kept_in_the_url(client, login, users):
    _entries(30)
    audit.record("user.disable", actor=users["sysadmin"], obj=users["member"], outcome="success")
    audit.record("person.reveal", actor=users["wanzhai"], object_type="orgs.person", object_id="7",
                 outcome=AuditEntry.Outcome.DENIED)
    login(users["auditor"])
    url = reverse("accounts:audit_list")
    page = client.get(url, {"action": "test"})
    assert page.context["page"].paginator.count == 30
    assert "?action=test&amp;page=2" in page.content.decode()
    assert [e.action for e in client.get(url, {"actor": "wanzhai"}).context["page"]] == ["person.reveal"]
    assert [e.action for e in client.get(url, {"outcome": "denied"}).context["page"]] == ["person.reveal"]
    assert client.get(url, {"object_type": "test.thing", "object_id": "3"}).context["page"][0].object_repr == \
        "thing 3"
    assert client.get(url, {"action": "user."}).context["page"][0].object_id == str(users["member"].pk)
    html = client.get(url).content.decode()
    assert "停用账号 <code" in html and "<code>test.event</code>" in html  # the label, else the bare code
    total = AuditEntry.objects.count()
    today = timezone.localdate()
    assert client.get(url, {"date_from": today.isoformat()}).context["page"].paginator.count == total
    assert client.get(url, {"date_to": today.isoformat()}).context["page"].paginator.count == total
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert client.get(url, {"date_from": tomorrow}).context["page"].paginator.count == 0
    assert client.get(url, {"date_to": "2000-01-01"}).context["page"].paginator.count == 0


def test_audit_request_and_ip_filters(client, login, users):
    client.post(reverse("accounts:login"), {"username": "wanzhai", "password": PASSWORD},
                HTTP_X_REQUEST_ID="req-abc-123", REMOTE_ADDR="10.1.2.3")
    client.logout()
    login(users["auditor"])
    url = reverse("accounts:audit_list")
    assert [e.action for e in client.get(url, {"request_id": "req-abc-123"}).context["page"]] == ["auth.login"]
    assert [e.action for e in client.get(url, {"ip": "10.1.2.3"}).context["page"]] == ["auth.login"]


def test_audit_detail_shows_masked_before_and_after(client, login, tree, users, person_factory):
    from dangjian.orgs import services as org_services

    person = person_factory(tree["wujiatai"])
    org_services.person_update(actor=users["zhou_admin"], person=person, name="改名")
    entry = AuditEntry.objects.get(action="person.update")
    login(users["auditor"])
    html = client.get(reverse("accounts:audit_detail", args=[entry.seq])).content.decode()
    assert "改名" in html and "内容与哈希一致" in html
    assert person.id_number not in html
    assert re.search(r"\d{4}\*{10}[\dX]{4}", html)


def test_audit_list_query_count_is_constant(client, login, users):
    login(users["auditor"])
    url = reverse("accounts:audit_list")
    _entries(5)
    few = _query_count(client, url)
    _entries(45)
    assert _query_count(client, url) == few


def test_audit_export_is_audited(client, login, users):
    _entries(3)
    login(users["auditor"])
    response = client.get(reverse("accounts:audit_export"), {"action": "test"})
    rows = _workbook_rows(response)
    assert rows[0][0] == "序号" and len(rows) == 4
    entry = AuditEntry.objects.get(action="audit.export")
    assert entry.actor_id == users["auditor"].pk
    assert entry.after == {"rows": 3, "format": "xlsx", "filter": {"action": ["test"]}}


def test_the_security_page_shows_the_role_table(client, users):
    client.force_login(users["secadmin"])
    page = client.get(reverse("accounts:security")).content.decode()
    table = page.split('id="role-table"', 1)[1]
    assert "查看完整身份证号和手机号码" in table and "person.reveal" in table and "组织部管理员" in table
    assert table.count("ti-check") == sum(sum(held) for _cap, held in role_table())
