"""Organization pages: who sees what, 404 outside scope, 403 for read-only roles, Chinese errors, htmx partials,
export, and query counts that do not grow with the data."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.conftest import make_org, make_person
from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.orgs import services
from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Org

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def url(name, org=None):
    return reverse(f"orgs:{name}", args=[org.pk] if org is not None else [])


ORG_PAGES = ["detail", "children", "tree_children"]
WRITE_PAGES = ["update", "move", "delete"]
POST_ONLY = ["deactivate", "reactivate"]


# --- access ---------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, tree):
    for name in ["list", "export", "tree", "search", "create"]:
        response = client.get(url(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    for name in ORG_PAGES + WRITE_PAGES:
        response = client.get(url(name, tree["wujiatai"]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_out_of_scope_org_is_404_on_every_url(as_user, tree, users):
    """A township user opening another township's organization by id finds nothing."""
    client = as_user(users["wanzhai"])
    other = tree["yunlong"]  # 巴东县信陵镇
    for name in ORG_PAGES + WRITE_PAGES:
        assert client.get(url(name, other)).status_code == 404, name
    for name in WRITE_PAGES + POST_ONLY:
        assert client.post(url(name, other)).status_code == 404, name
    assert client.get(url("create") + f"?parent={other.pk}").status_code == 404
    assert client.get(url("detail", tree["xiaohe"])).status_code == 404  # a sibling township
    assert client.get(url("detail", tree["xuanen"])).status_code == 404  # its own county, above it
    assert client.get("/orgs/999999/").status_code == 404
    assert client.get(url("create") + "?parent=abc").status_code == 404
    assert Org.objects.get(pk=other.pk).is_active


def test_read_only_role_gets_403_on_write_urls(as_user, tree, users):
    client = as_user(users["leader"])  # 宣恩县 leading cadre: reads the county
    org = tree["wujiatai"]
    assert client.get(url("detail", org)).status_code == 200
    for name in WRITE_PAGES:
        assert client.get(url(name, org)).status_code == 403, name
        assert client.post(url(name, org)).status_code == 403, name
    for name in POST_ONLY:
        assert client.post(url(name, org)).status_code == 403, name
    assert client.get(url("create") + f"?parent={org.pk}").status_code == 403
    assert client.get(url("create")).status_code == 403
    assert Org.objects.filter(pk=org.pk, is_active=True).exists()


def test_roles_without_org_view_get_403_on_lists(as_user, users):
    for role in ("member", "auditor", "secadmin"):
        client = as_user(users[role])
        for name in ("list", "tree", "export"):
            assert client.get(url(name)).status_code == 403, (role, name)


def test_state_changes_need_post(as_user, tree, users):
    client = as_user(users["xuanen_admin"])
    for name in POST_ONLY:
        assert client.get(url(name, tree["wujiatai_b1"])).status_code == 405


# --- list and export -----------------------------------------------------------------------------------


def test_list_is_scoped_filtered_sorted_and_paginated(as_user, tree, users):
    client = as_user(users["xuanen_admin"])
    page = client.get(url("list")).content.decode()
    assert "中共伍家台村支部委员会" in page and "中共信陵镇委员会" not in page
    assert "导出 Excel" in page and "新建组织" in page
    page = client.get(url("list") + "?level=4").content.decode()
    assert "中共万寨乡委员会" in page and "中共伍家台村支部委员会" not in page
    page = client.get(url("list") + "?q=wjt").content.decode()
    assert "伍家台村第一党支部" in page and "中共晓关侗族乡委员会" not in page
    for i in range(25):
        make_org(tree["xiaohe"], f"测试村{i:02d}", f"T-{i:02d}", Level.VILLAGE, kind=Org.Kind.BRANCH)
    response = client.get(url("list") + f"?parent={tree['xiaohe'].pk}&sort=-code&page=2")
    page = response.content.decode()
    assert response.context["page_obj"].paginator.count == 25
    assert [o.code for o in response.context["page_obj"]] == ["T-04", "T-03", "T-02", "T-01", "T-00"]
    assert "sort=-code" in page and "page=1" in page  # state kept in the pagination links
    assert client.get(url("list") + "?level=99").status_code == 200  # an invalid filter is no error page


def test_list_for_read_only_role_has_no_create_button(as_user, users):
    page = as_user(users["leader"]).get(url("list")).content.decode()
    assert "新建组织" not in page and "中共万寨乡委员会" in page


def test_export_is_a_scoped_xlsx_with_chinese_headers_and_audited(as_user, tree, users):
    client = as_user(users["xuanen_admin"])
    response = client.get(url("export") + "?level=4")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))  # row 1: the title row
    assert rows[0][:4] == ("组织名称", "组织代码", "层级", "类别")
    assert sorted(r[0] for r in rows[1:]) == ["中共万寨乡委员会", "中共晓关侗族乡委员会"]
    assert rows[1][2] == "乡镇党委" and rows[1][5] == "中共宣恩县委"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "org.export" and entry.after == {"rows": 2, "format": "xlsx", "filter": {"level": ["4"]}}
    assert entry.actor_id == users["xuanen_admin"].pk
    assert audit.verify() is None


def test_export_escapes_formulas(as_user, tree, users):
    make_org(tree["wanzhai"], "=HYPERLINK(\"x\")", "T-F", Level.VILLAGE, kind=Org.Kind.BRANCH)
    response = as_user(users["wanzhai"]).get(url("export") + "?q=T-F")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert rows[1][0] == "'=HYPERLINK(\"x\")"


# --- tree and search -----------------------------------------------------------------------------------


def test_tree_page_shows_the_root_and_its_children(as_user, tree, users):
    page = as_user(users["xuanen_admin"]).get(url("tree")).content.decode()
    assert "中共宣恩县委" in page and "中共万寨乡委员会" in page and "中共晓关侗族乡委员会" in page
    assert url("tree_children", tree["wanzhai"]) in page  # lazily expandable: it has a child
    assert url("tree_children", tree["xiaohe"]) not in page  # a leaf has nothing to expand
    assert "中共伍家台村支部委员会" not in page  # not loaded until expanded


def test_tree_children_partial_is_one_query_per_expansion(as_user, tree, users):
    client = as_user(users["wanzhai"])
    client.get(url("tree"))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("tree_children", tree["wanzhai"]), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "中共伍家台村支部委员会" in page and "村（社区）党组织" in page
    assert url("tree_children", tree["wujiatai"]) in page
    children_queries = [q for q in ctx.captured_queries if "COUNT(" in q["sql"] and '"orgs_org"' in q["sql"]]
    assert len(children_queries) == 1  # the children with their own child counts, in one query
    leaf = client.get(url("tree_children", tree["wujiatai_b1"]), **HTMX).content.decode()
    assert "没有下级组织" in leaf


def test_pinyin_search_finds_badong(as_user, tree, users):
    make_org(tree["badong"], "巴东县", "T-BDX", Level.TOWNSHIP)
    client = as_user(users["zhou_admin"])
    page = client.get(url("search") + "?q=bdx", **HTMX).content.decode()
    assert "巴东县" in page and "中共巴东县委" in page and "<html" not in page
    assert "中共恩施州委 › 中共巴东县委" in page  # the path of 巴东县
    page = client.get(url("search") + "?q=巴东", **HTMX).content.decode()
    assert "中共巴东县委" in page
    page = client.get(url("search") + "?q=zzzz", **HTMX).content.decode()
    assert "没有与“zzzz”匹配的组织" in page
    assert client.get(url("search") + "?q=", **HTMX).content.decode().strip() == ""


def test_search_does_not_leak_out_of_scope_orgs(as_user, tree, users):
    make_org(tree["badong"], "巴东县", "T-BDX", Level.TOWNSHIP)
    page = as_user(users["wanzhai"]).get(url("search") + "?q=bdx", **HTMX).content.decode()
    assert "巴东" not in page
    page = as_user(users["wanzhai"]).get(url("search") + "?q=伍家台", **HTMX).content.decode()
    assert "伍家台村第一党支部" in page and "宣恩" not in page and "恩施州" not in page


# --- detail and children ---------------------------------------------------------------------------------


def test_detail_shows_data_team_children_members_and_breadcrumbs(as_user, tree, users):
    admin = users["xuanen_admin"]
    org = tree["wujiatai"]
    services.org_update(actor=admin, org=org, term_start=datetime.date(2021, 1, 1),
                        term_end=datetime.date.today() + datetime.timedelta(days=30))
    person = make_person(org, actor=admin, name="向明华")
    make_person(tree["wujiatai_b1"], actor=admin)
    position = services.position_appoint(actor=admin, person=person, org=org, title=Title.SECRETARY,
                                         start_date=datetime.date(2021, 1, 5))
    client = as_user(users["wanzhai"])
    response = client.get(url("detail", org))
    page = response.content.decode()
    assert "422825203201" in page and "村（社区）党组织" in page and "党支部" in page
    assert "即将届满" in page and "请做好换届准备" in page
    assert "向明华" in page and "书记" in page and reverse("orgs:position_end", args=[position.pk]) in page
    assert f"{reverse('orgs:position_create')}?org={org.pk}" in page
    assert f"{reverse('orgs:person_list')}?org={org.pk}" in page
    assert response.context["member_count"] == 2
    assert "伍家台村第一党支部" in page
    assert [c.name for c in response.context["breadcrumbs"]] == ["中共万寨乡委员会"]
    assert url("update", org) in page and url("move", org) in page and url("deactivate", org) in page


def test_detail_actions_follow_the_role(as_user, tree, users):
    org = tree["wujiatai"]
    page = as_user(users["leader"]).get(url("detail", org)).content.decode()
    assert url("update", org) not in page and url("delete", org) not in page
    assert reverse("orgs:position_create") not in page
    page = as_user(users["wujiatai"]).get(url("detail", org)).content.decode()  # secretary: people, not orgs
    assert url("update", org) not in page and f"{reverse('orgs:position_create')}?org={org.pk}" in page
    page = as_user(users["sysadmin"]).get(url("detail", org)).content.decode()  # no member data at all
    assert reverse("orgs:person_list") not in page and "书记和班子成员" not in page
    page = as_user(users["wanzhai"]).get(url("detail", tree["wanzhai"])).content.decode()  # its own org
    assert url("update", tree["wanzhai"]) in page and url("deactivate", tree["wanzhai"]) not in page


def test_term_ended_warning(as_user, tree, users):
    services.org_update(actor=users["xuanen_admin"], org=tree["wujiatai"], term_start=datetime.date(2018, 1, 1),
                        term_end=datetime.date(2023, 1, 1))
    page = as_user(users["wanzhai"]).get(url("detail", tree["wujiatai"])).content.decode()
    assert "已届满" in page and "应及时换届" in page


def many_children(parent, count):
    orgs = [make_org(parent, f"子组织{i:03d}", f"{parent.code}-C{i:03d}", Level.BRANCH, kind=Org.Kind.BRANCH)
            for i in range(count)]
    for org in orgs[:: max(1, count // 5)]:
        make_person(org)
    return orgs


def count_queries(client, path):
    client.get(path)  # session and caches warmed
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_children_page_query_count_is_constant(as_user, tree, users):
    client = as_user(users["xuanen_admin"])
    small = make_org(tree["wanzhai"], "五个", "T-SMALL", Level.VILLAGE, kind=Org.Kind.BRANCH)
    big = make_org(tree["wanzhai"], "五十个", "T-BIG", Level.VILLAGE, kind=Org.Kind.BRANCH)
    many_children(small, 5)
    many_children(big, 50)
    few = count_queries(client, url("children", small))
    assert count_queries(client, url("children", big)) == few
    response = client.get(url("children", big) + "?page=3")
    assert len(response.context["page_obj"].object_list) == 10
    assert "子组织049" in response.content.decode()


def test_list_and_detail_query_counts_are_constant(as_user, tree, users):
    client = as_user(users["xuanen_admin"])
    small = make_org(tree["wanzhai"], "五个", "T-SMALL", Level.VILLAGE, kind=Org.Kind.BRANCH)
    big = make_org(tree["wanzhai"], "五十个", "T-BIG", Level.VILLAGE, kind=Org.Kind.BRANCH)
    many_children(small, 5)
    many_children(big, 50)
    assert count_queries(client, url("list") + f"?parent={small.pk}") == count_queries(
        client, url("list") + f"?parent={big.pk}")
    assert count_queries(client, url("tree_children", small)) == count_queries(client, url("tree_children", big))
    # detail: one more query (the total) once there are more children than it shows
    assert count_queries(client, url("detail", big)) <= count_queries(client, url("detail", small)) + 1


# --- create, edit, move, deactivate, delete -------------------------------------------------------------------------


def form_data(**overrides):
    data = {"name": "中共新村支部委员会", "code": "T-NEW", "level": Level.VILLAGE, "kind": Org.Kind.BRANCH,
            "sector": Org.Sector.RURAL, "division_code": "", "term_start": "2024-01-01", "term_end": "2029-01-01"}
    data.update(overrides)
    return data


def test_create_form_under_parent(as_user, tree, users):
    client = as_user(users["wanzhai"])
    response = client.get(url("create") + f"?parent={tree['wanzhai'].pk}")
    assert response.status_code == 200
    levels = [value for value, _label in response.context["form"].fields["level"].choices]
    assert levels == [Level.VILLAGE, Level.BRANCH]
    response = client.post(url("create") + f"?parent={tree['wanzhai'].pk}", form_data())
    org = Org.objects.get(code="T-NEW")
    assert response.status_code == 302 and response["Location"] == url("detail", org)
    assert org.parent_id == tree["wanzhai"].pk and org.township_id == tree["wanzhai"].pk
    assert AuditEntry.objects.order_by("-seq").first().action == "org.create"


def test_create_without_parent_defaults_to_own_org(as_user, tree, users):
    response = as_user(users["wanzhai"]).post(url("create"), form_data())
    assert response.status_code == 302
    assert Org.objects.get(code="T-NEW").parent_id == tree["wanzhai"].pk


def test_create_form_errors_in_chinese_and_nothing_written(as_user, tree, users):
    client = as_user(users["wanzhai"])
    count = Org.objects.count()
    page = client.post(url("create") + f"?parent={tree['wanzhai'].pk}",
                       form_data(code=tree["wujiatai"].code)).content.decode()
    assert "已有其他组织使用此代码" in page
    page = client.post(url("create") + f"?parent={tree['wanzhai'].pk}",
                       form_data(term_end="2023-01-01")).content.decode()
    assert "届满日期必须晚于本届开始日期" in page
    page = client.post(url("create") + f"?parent={tree['wanzhai'].pk}",
                       form_data(level=Level.TOWNSHIP)).content.decode()
    assert "选择一个有效的选项" in page
    page = client.post(url("create") + f"?parent={tree['wanzhai'].pk}", form_data(name="")).content.decode()
    assert "必填项" in page
    assert Org.objects.count() == count


def test_create_under_deactivated_parent_shows_the_service_error(as_user, tree, users):
    services.org_deactivate(actor=users["xuanen_admin"], org=tree["xiaohe"])
    page = as_user(users["xuanen_admin"]).post(url("create") + f"?parent={tree['xiaohe'].pk}",
                                               form_data()).content.decode()
    assert "上级组织已停用" in page
    assert not Org.objects.filter(code="T-NEW").exists()


def test_update_form(as_user, tree, users):
    client = as_user(users["wanzhai"])
    org = tree["wujiatai"]
    assert client.get(url("update", org)).status_code == 200
    response = client.post(url("update", org), form_data(name="中共伍家台村委员会", code=org.code))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "中共伍家台村委员会" and org.term_end == datetime.date(2029, 1, 1)
    page = client.post(url("update", org), form_data(code=org.code, level=Level.BRANCH)).content.decode()
    assert "已有下级组织或党员的组织不能修改层级" in page
    assert Org.objects.get(pk=org.pk).level == Level.VILLAGE


def test_move_picker_and_move(as_user, tree, users):
    client = as_user(users["zhou_admin"])
    village = tree["wujiatai"]
    assert client.get(url("move", village)).status_code == 200
    picker = reverse("orgs:org_picker")
    page = client.get(picker, {"source": f"move:{village.pk}", "field": "parent", "q": "信陵"}, **HTMX)
    page = page.content.decode()
    assert "中共信陵镇委员会" in page and f'value="{tree["xinling"].pk}"' in page and "<html" not in page
    page = client.get(picker, {"source": f"move:{village.pk}", "field": "parent", "q": "伍家台"}).content.decode()
    assert "伍家台村第一党支部" not in page  # its own subtree is never offered
    response = client.post(url("move", village), {"parent": tree["xinling"].pk})
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.parent_id == tree["xinling"].pk and village.county_id == tree["badong"].pk


def test_move_under_own_descendant_shows_chinese_error(as_user, tree, users):
    client = as_user(users["xuanen_admin"])
    before = Org.objects.get(pk=tree["wanzhai"].pk).path
    page = client.post(url("move", tree["wanzhai"]), {"parent": tree["wujiatai_b1"].pk}).content.decode()
    assert "不能把组织移到它自身或它的下级组织之下" in page
    page = client.post(url("move", tree["wanzhai"]), {"parent": tree["xinling"].pk}).content.decode()
    assert "请从搜索结果中选择一个组织" in page  # outside the user's editable scope: not a valid choice
    page = client.post(url("move", tree["wanzhai"]), {}).content.decode()
    assert "请选择新的上级组织" in page
    assert Org.objects.get(pk=tree["wanzhai"].pk).path == before


def test_deactivate_and_reactivate(as_user, tree, users):
    client = as_user(users["xuanen_admin"])
    response = client.post(url("deactivate", tree["wujiatai"]), follow=True)
    assert "请先停用或移走其正常的下级组织" in response.content.decode()
    assert Org.objects.get(pk=tree["wujiatai"].pk).is_active
    response = client.post(url("deactivate", tree["wujiatai_b1"]), follow=True)
    assert "已停用" in response.content.decode()
    assert not Org.objects.get(pk=tree["wujiatai_b1"].pk).is_active
    client.post(url("reactivate", tree["wujiatai_b1"]))
    assert Org.objects.get(pk=tree["wujiatai_b1"].pk).is_active


def test_delete_confirm_refusal_and_success(as_user, tree, users):
    client = as_user(users["wanzhai"])
    page = client.get(url("delete", tree["wujiatai"])).content.decode()
    assert "确定永久删除" in page
    page = client.post(url("delete", tree["wujiatai"])).content.decode()
    assert "不能删除，请改为停用" in page
    assert Org.objects.filter(pk=tree["wujiatai"].pk).exists()
    mistake = services.org_create(actor=users["wanzhai"], parent=tree["wanzhai"], **{
        k: v for k, v in form_data(code="T-DEL").items() if k not in ("term_start", "term_end", "division_code")})
    response = client.post(url("delete", mistake))
    assert response.status_code == 302 and response["Location"] == url("detail", tree["wanzhai"])
    assert not Org.objects.filter(pk=mistake.pk).exists()
