"""Reads of the tree: scoped, correct, and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.conftest import make_org, make_person
from dangjian.orgs import services
from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Org
from dangjian.orgs.selectors import orgs as selectors

pytestmark = pytest.mark.django_db


def test_subtree_orgs_uses_the_ancestry_column(tree):
    names = set(selectors.subtree_orgs(tree["wanzhai"]).values_list("code", flat=True))
    assert names == {"422825203", "422825203201", "422825203201-1"}
    assert list(selectors.subtree_orgs(tree["wujiatai_b1"])) == [tree["wujiatai_b1"]]


def test_member_counts_mixes_levels_in_one_query(tree):
    make_person(tree["wujiatai_b1"])
    make_person(tree["wujiatai_b1"])
    make_person(tree["wujiatai"])
    make_person(tree["wujiatai"], status="expelled")  # not a current member
    make_person(tree["yunlong"])
    orgs = [tree["wanzhai"], tree["wujiatai"], tree["wujiatai_b1"], tree["xinling"], tree["xiaohe"]]
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.member_counts(orgs)
    assert len(ctx.captured_queries) == 1
    assert counts == {tree["wanzhai"].pk: 3, tree["wujiatai"].pk: 3, tree["wujiatai_b1"].pk: 2,
                      tree["xinling"].pk: 1, tree["xiaohe"].pk: 0}
    assert selectors.member_counts([]) == {}


def test_upper_levels_count_from_the_summary_table_never_from_people(tree):
    """Counties and the prefecture read the summary table: no query touches the people table (issue 11)."""
    make_person(tree["wujiatai_b1"])
    make_person(tree["yunlong"])
    make_person(tree["yunlong"], status="expelled")
    orgs = [tree["zhou"], tree["badong"], tree["xuanen"], tree["wanzhai"]]
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.member_counts(orgs)
    assert len(ctx.captured_queries) == 2  # the summary table, then one GROUP BY for the township
    assert "orgs_person" not in ctx.captured_queries[0]["sql"]
    assert counts == {tree["zhou"].pk: 2, tree["badong"].pk: 1, tree["xuanen"].pk: 1, tree["wanzhai"].pk: 1}
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.member_count(tree["zhou"]) == 2
    assert all("orgs_person" not in q["sql"] for q in ctx.captured_queries)


def test_annotate_rows_adds_members_and_secretary(tree, users):
    person = make_person(tree["wujiatai"], actor=users["xuanen_admin"])
    services.position_appoint(actor=users["xuanen_admin"], person=person, org=tree["wujiatai"],
                              title=Title.SECRETARY, start_date=datetime.date(2022, 1, 1))
    rows = selectors.annotate_rows(users["wanzhai"], selectors.children(tree["wanzhai"]))
    assert [(r.member_count, r.secretary) for r in rows] == [(1, person)]
    assert rows[0].child_count == 1
    # A role that may not see people gets neither figure (and no query for them).
    rows = selectors.annotate_rows(users["sysadmin"], selectors.children(tree["wanzhai"]))
    assert (rows[0].member_count, rows[0].secretary) == (None, None)


def test_breadcrumbs_are_scoped_and_one_query(tree, users):
    with CaptureQueriesContext(connection) as ctx:
        crumbs = selectors.breadcrumbs(users["zhou_admin"], tree["wujiatai_b1"])
    assert len(ctx.captured_queries) == 1
    assert [c.name for c in crumbs] == ["中共恩施州委", "中共宣恩县委", "中共万寨乡委员会", "中共伍家台村支部委员会"]
    # The township user does not see the county and prefecture above them.
    assert [c.name for c in selectors.breadcrumbs(users["wanzhai"], tree["wujiatai_b1"])] == [
        "中共万寨乡委员会", "中共伍家台村支部委员会"]
    assert selectors.breadcrumbs(users["zhou_admin"], tree["zhou"]) == []


def test_search_by_name_pinyin_initials_and_full_pinyin(tree, users):
    county = make_org(tree["badong"], "巴东县", "T-BDX", Level.TOWNSHIP)
    visible = Org.objects.visible_to(users["zhou_admin"])
    assert county in selectors.org_search(visible, "bdx")
    assert county in selectors.org_search(visible, "BDX")
    assert county in selectors.org_search(visible, "badong")
    # "中共…" names are found by the initials after 中共 too: bdx finds 中共巴东县委.
    assert tree["badong"] in selectors.org_search(visible, "bdx")
    assert tree["badong"] in selectors.org_search(visible, "巴东")
    assert tree["badong"] in selectors.org_search(visible, "zgbdxw")
    assert selectors.org_search(visible, "422823100")[0] == tree["xinling"]  # exact code
    assert selectors.org_search(visible, "   ") == []


def test_search_is_scoped_with_ancestor_names_in_one_extra_query(tree, users):
    wanzhai_visible = Org.objects.visible_to(users["wanzhai"])
    assert selectors.org_search(wanzhai_visible, "巴东") == []
    assert selectors.org_search(wanzhai_visible, "bdx") == []
    with CaptureQueriesContext(connection) as ctx:
        results = selectors.org_search(wanzhai_visible, "伍家台")
    assert len(ctx.captured_queries) == 2
    by_name = {o.name: o.ancestor_names for o in results}
    # Only ancestors inside the user's scope are named.
    assert by_name == {"中共伍家台村支部委员会": ["中共万寨乡委员会"],
                       "伍家台村第一党支部": ["中共万寨乡委员会", "中共伍家台村支部委员会"]}
    zhou_results = selectors.org_search(Org.objects.visible_to(users["zhou_admin"]), "伍家台村第一")
    assert zhou_results[0].ancestor_names == [
        "中共恩施州委", "中共宣恩县委", "中共万寨乡委员会", "中共伍家台村支部委员会"]


def test_search_returns_at_most_twenty(tree, users):
    for i in range(25):
        make_org(tree["wanzhai"], f"测试村{i}", f"T-{i}", Level.VILLAGE, kind=Org.Kind.BRANCH)
    assert len(selectors.org_search(Org.objects.visible_to(users["wanzhai"]), "测试村")) == 20


def test_move_targets_exclude_own_subtree_lower_levels_and_current_parent(tree, users):
    targets = set(selectors.move_targets(users["zhou_admin"], tree["wujiatai"]).values_list("code", flat=True))
    assert targets == {"4228", "422823", "422825", "422823100", "422825204"}
    targets = set(selectors.move_targets(users["xuanen_admin"], tree["wujiatai"]).values_list("code", flat=True))
    assert targets == {"422825", "422825204"}
    assert not selectors.move_targets(users["leader"], tree["wujiatai"]).exists()


def test_org_list_sorts_and_filters(tree, users):
    _filterset, qs = selectors.org_list(users["xuanen_admin"], {"sort": "-code"})
    codes = list(qs.values_list("code", flat=True))
    assert codes == sorted(codes, reverse=True) and "4228" not in codes
    _filterset, qs = selectors.org_list(users["xuanen_admin"], {"level": "4", "sort": "name"})
    assert [o.name for o in qs] == ["中共万寨乡委员会", "中共晓关侗族乡委员会"]
    _filterset, qs = selectors.org_list(users["xuanen_admin"], {"sort": "nonsense"})
    assert list(qs) == list(Org.objects.filter(tree["xuanen"].subtree_q()).order_by("path"))
