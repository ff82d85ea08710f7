"""The audit log as the audit administrator reads it: action labels to filter by, readable changes, object
names, labelled exports, and the hash line's own wording."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dangjian.accounts import selectors, services
from dangjian.accounts.roles import Role
from dangjian.conftest import PASSWORD
from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.orgs import services as org_services

LIST = reverse("accounts:audit_list")


@pytest.fixture
def auditor(client, users):
    client.force_login(users["auditor"])
    return client


def _actions(response):
    return [e.action for e in response.context["page"]]


# --- filtering by action label --------------------------------------------------------------------------------


def test_typing_a_label_finds_every_action_whose_label_contains_it(client, users):
    client.post(reverse("accounts:login"), {"username": "wanzhai", "password": "Wrong#2024"})
    client.post(reverse("accounts:login"), {"username": "wanzhai", "password": PASSWORD})
    client.logout()
    services.user_disable(actor=users["sysadmin"], user=users["member"])
    client.force_login(users["auditor"])
    found = _actions(client.get(LIST, {"action_label": "登录"}))
    assert set(found) == {"auth.login", "auth.login_failed", "auth.logout"}  # 登录, 登录失败, 退出登录
    assert _actions(client.get(LIST, {"action_label": "登录失败"})) == ["auth.login_failed"]
    assert _actions(client.get(LIST, {"action_label": "停用账号"})) == ["user.disable"]
    assert _actions(client.get(LIST, {"action_label": "不存在的操作"})) == []
    # A code (or its prefix) typed in the box works too, and the code-prefix parameter of the URLs stays.
    assert _actions(client.get(LIST, {"action_label": "user.disable"})) == ["user.disable"]
    assert set(_actions(client.get(LIST, {"action": "auth."}))) == {"auth.login", "auth.login_failed", "auth.logout"}


def test_the_action_box_offers_the_registered_labels(auditor):
    html = auditor.get(LIST).content.decode()
    assert 'list="audit-action-labels"' in html and '<datalist id="audit-action-labels">' in html
    assert '<option value="登录失败"></option>' in html and '<option value="停用账号"></option>' in html


def test_label_matching_follows_the_language():
    with translation.override("zh-hans"):
        assert selectors.audit_action_codes("登录") >= {"auth.login", "auth.login_failed", "auth.logout"}
        assert "auth.login" not in selectors.audit_action_codes("停用")
    with translation.override("en"):
        assert selectors.audit_action_codes("log in") == {"auth.login"}
    assert selectors.audit_action_codes("  ") == set()


# --- the object: its model's name and its own ---------------------------------------------------------------


def test_list_and_detail_name_the_object_not_its_table(auditor, tree, users, person_factory):
    person = person_factory(tree["wujiatai"], name="田晓红")
    org_services.person_update(actor=users["xuanen_admin"], person=person, name="田晓虹")
    entry = AuditEntry.objects.get(action="person.update")
    html = auditor.get(LIST).content.decode()
    assert '<span class="text-secondary">人员</span> 田晓虹' in html
    assert "orgs.person#" not in html
    detail = auditor.get(reverse("accounts:audit_detail", args=[entry.seq])).content.decode()
    cell = re.search(r'data-testid="audit-object">(.*?)</dd>', detail, re.S).group(1)
    assert "人员" in cell and "田晓虹" in cell and "<a " not in cell  # the auditor cannot open member records
    assert "orgs.person" not in cell


def test_unknown_object_types_show_as_recorded(auditor):
    audit.record("test.event", object_type="gone.model", object_id="5", object_repr="旧对象")
    html = auditor.get(LIST).content.decode()
    assert '<span class="text-secondary">gone.model</span> 旧对象' in html


# --- the change as a table ---------------------------------------------------------------------------------------


def _rows(changes):
    return {c.name: (c.label, c.before["text"], c.after["text"], c.changed) for c in changes}


def test_detail_shows_the_change_with_labels_and_readable_values(auditor, tree, users, person_factory):
    person = person_factory(tree["wujiatai"], name="向红梅", gender="F", male=False,
                            birth_date=datetime.date(1985, 6, 9))
    org_services.person_update(actor=users["xuanen_admin"], person=person, name="向红霞", status="mobile")
    entry = AuditEntry.objects.get(action="person.update")
    response = auditor.get(reverse("accounts:audit_detail", args=[entry.seq]))
    rows = _rows(response.context["changes"])
    assert rows["name"] == ("姓名", "向红梅", "向红霞", True)
    assert rows["status"][0] == "状态" and rows["status"][3] is True
    assert rows["status"][1:3] == ("正常", "流动")  # the display values, not the codes
    assert rows["gender"] == ("性别", "女", "女", False)
    assert rows["birth_date"][1] == "1985-06-09"
    assert rows["org"][1:3] == ("中共伍家台村支部委员会",) * 2  # names, not ids
    assert not {"id", "county", "pinyin", "updated_at"} & set(rows)  # bookkeeping stays in the raw JSON
    assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", rows["id_number"][1])  # masked stays masked
    html = response.content.decode()
    assert person.id_number not in html and "向红霞" in html
    assert 'class="table-warning"' in html  # changed rows stand out
    changed = html[html.index('data-testid="audit-changes"'):html.index('data-testid="audit-unchanged"')]
    assert "向红霞" in changed and "出生日期" not in changed  # unchanged fields wait behind a summary
    assert re.search(r"\d+ 个字段未变化", html)
    assert "<details>" in html and "原始数据（JSON）" in html  # the raw JSON, collapsed
    assert "<a href=\"/orgs/" not in html  # the auditor may not open organizations: names only


def test_foreign_keys_cost_one_query_per_related_model(users, tree, person_factory):
    person = person_factory(tree["wujiatai_b1"], name="彭家旺")
    services.user_update(actor=users["sysadmin"], user=users["member"], org=tree["wujiatai_b1"], person=person)
    entry = AuditEntry.objects.get(action="user.update")
    with CaptureQueriesContext(connection) as ctx:
        rows = _rows(selectors.audit_changes(entry, users["auditor"]))
    assert len(ctx.captured_queries) == 2  # organizations (every id at once) and the person
    assert rows["org"] == ("组织", "中共伍家台村支部委员会", "伍家台村第一党支部", True)
    assert rows["person"][1:] == ("—", "彭家旺", True)
    assert rows["role"][1] == str(Role.MEMBER.label)


def test_links_only_where_the_reader_may_open_the_object(users, tree, person_factory):
    person = person_factory(tree["wujiatai"], name="谭文静")
    org_services.person_update(actor=users["xuanen_admin"], person=person, name="谭文婧")
    entry = AuditEntry.objects.get(action="person.update")
    org_row = next(c for c in selectors.audit_changes(entry, users["xuanen_admin"]) if c.name == "org")
    assert org_row.after["url"] == reverse("orgs:detail", kwargs={"pk": tree["wujiatai"].pk})
    assert selectors.audit_object(entry, users["xuanen_admin"])["url"] == \
        reverse("orgs:person_detail", kwargs={"pk": person.pk})
    # Outside the reader's subtree, or for the auditor: the name without a link.
    assert selectors.audit_object(entry, users["badong_admin"]) == {"type": "人员", "name": "谭文婧", "url": ""}
    assert all(not c.after["url"] for c in selectors.audit_changes(entry, users["auditor"]))


def test_entries_without_a_model_show_their_keys(auditor, users):
    entry = audit.record("user.disable", actor=users["sysadmin"], object_type="accounts.user",
                         object_id=str(users["member"].pk), object_repr="member",
                         before={"is_active": True}, after={"is_active": False, "api_tokens_ended": 2})
    rows = _rows(auditor.get(reverse("accounts:audit_detail", args=[entry.seq])).context["changes"])
    assert rows["is_active"] == ("有效", "是", "否", True)
    assert rows["api_tokens_ended"] == ("api_tokens_ended", "", "2", False)
    empty = audit.record("test.event", object_type="gone.model", object_id="1")
    html = auditor.get(reverse("accounts:audit_detail", args=[empty.seq])).content.decode()
    assert "此条记录不含字段值。" in html


# --- the hash line and the pagination do not share a word ---------------------------------------------------------


def test_hash_line_says_previous_hash_and_pagination_previous_page(auditor):
    for i in range(30):
        audit.record("test.event", object_repr=f"thing {i}")
    detail = auditor.get(reverse("accounts:audit_detail", args=[2])).content.decode()
    assert "上一条哈希 " in detail and "本条哈希 (HMAC-SM3)" in detail and "上一页" not in detail
    listing = auditor.get(LIST, {"page": 2}).content.decode()
    assert "上一页" in listing and "上一条哈希" not in listing
    assert "起始日期" in listing and "截止日期" in listing


# --- export --------------------------------------------------------------------------------------------------------


def test_export_writes_labels_with_the_codes_beside_them(auditor, users, tree, person_factory):
    person = person_factory(tree["wujiatai"], name="黄永福")
    org_services.person_update(actor=users["xuanen_admin"], person=person, name="黄永富")
    response = auditor.get(reverse("accounts:audit_export"), {"action": "person."})
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    rows = rows[1:]  # the title row (core.tabular) comes first
    header = rows[0]
    assert header == ["序号", "时间", "操作人", "IP 地址", "请求编号", "操作", "操作代码", "对象类型", "对象类型代码",
                      "对象编号", "对象", "结果", "结果代码", "操作前", "操作后"]
    row = dict(zip(header, rows[1], strict=True))
    assert (row["操作"], row["操作代码"]) == ("编辑党员档案", "person.update")
    assert (row["对象类型"], row["对象类型代码"]) == ("人员", "orgs.person")
    assert (row["结果"], row["结果代码"]) == ("成功", "success")
    assert row["对象"] == "黄永富"


def test_detail_query_count_is_bounded(auditor, users, tree, person_factory, django_assert_max_num_queries):
    person = person_factory(tree["wujiatai_b1"])
    services.user_update(actor=users["sysadmin"], user=users["member"], org=tree["wujiatai_b1"], person=person)
    entry = AuditEntry.objects.get(action="user.update")
    with django_assert_max_num_queries(12):
        assert auditor.get(reverse("accounts:audit_detail", args=[entry.seq])).status_code == 200
