"""The home page: real figures of the user's organization, computed in a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.conftest import make_org, make_person
from dangjian.dashboard import selectors
from dangjian.orgs import services
from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Org

pytestmark = pytest.mark.django_db


def appoint_secretary(org, actor):
    person = make_person(org)
    services.position_appoint(actor=actor, person=person, org=org, title=Title.SECRETARY,
                              start_date=datetime.date(2022, 1, 1))
    return person


def set_term(org, actor, days):
    end = timezone.localdate() + datetime.timedelta(days=days)
    services.org_update(actor=actor, org=org, term_start=end - datetime.timedelta(days=5 * 365), term_end=end)


def test_figures_of_a_county(tree, users):
    admin = users["xuanen_admin"]
    make_person(tree["wujiatai"])
    make_person(tree["wujiatai_b1"], category="probationary", full_member_on=None)
    make_person(tree["wujiatai_b1"], status="mobile")  # still a member
    make_person(tree["wujiatai_b1"], status="deceased")  # no longer counted
    make_person(tree["yunlong"])  # another county
    appoint_secretary(tree["wanzhai"], admin)
    appoint_secretary(tree["wujiatai"], admin)
    set_term(tree["wujiatai"], admin, -10)  # ended
    set_term(tree["wujiatai_b1"], admin, 60)  # ends within six months
    set_term(tree["wanzhai"], admin, 400)  # not yet
    services.org_deactivate(actor=admin, org=tree["xiaohe"])  # inactive: left out everywhere

    figures = selectors.home_figures(admin)

    assert [(r["level"], r["count"]) for r in figures["by_level"]] == [
        (Level.TOWNSHIP, 1), (Level.VILLAGE, 1), (Level.BRANCH, 1)]
    assert figures["sub_total"] == 3
    members = {r["category"]: r["count"] for r in figures["members"]["by_category"]}
    # two members, one mobile member, and the two secretaries; not the deceased, not the other county
    assert members == {"full": 4, "probationary": 1} and figures["members"]["total"] == 5
    # Without a secretary: the county itself and the branch (万寨乡 and 伍家台村 have one).
    assert figures["no_secretary"]["count"] == 2
    assert [o.name for o in figures["no_secretary"]["orgs"]] == ["中共宣恩县委", "伍家台村第一党支部"]
    assert (figures["term"]["ended"], figures["term"]["ending"], figures["term"]["count"]) == (1, 1, 2)
    assert [o.name for o in figures["term"]["orgs"]] == ["中共伍家台村支部委员会", "伍家台村第一党支部"]


def test_figures_of_a_branch_and_of_a_role_without_people(tree, users):
    from dangjian.conftest import make_user

    branch_user = make_user(tree["wujiatai_b1"], "secretary", "b1")
    figures = selectors.home_figures(branch_user)
    assert figures["by_level"] == [] and figures["sub_total"] == 0
    assert figures["no_secretary"]["count"] == 1  # itself
    assert selectors.home_figures(users["sysadmin"])["members"] is None


def test_home_page_for_an_organization_department(client, tree, users):
    admin = users["xuanen_admin"]
    make_person(tree["wujiatai_b1"])
    set_term(tree["wujiatai"], admin, 30)
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert "中共宣恩县委" in page
    assert "下级组织" in page and "乡镇党委" in page and "正式党员" in page and "预备党员" in page
    assert "未配备书记" in page and "换届提醒" in page and "即将届满" in page
    assert reverse("orgs:detail", args=[tree["wujiatai"].pk]) in page
    assert 'data-figure="sub-total">4<' in page  # 2 townships, 1 village, 1 branch
    assert 'data-figure="members-total"' in page


def test_home_page_of_a_township_does_not_count_other_townships(client, tree, users):
    make_person(tree["yunlong"])
    client.force_login(users["wanzhai"])
    page = client.get(reverse("home")).content.decode()
    assert 'data-figure="sub-total">2<' in page
    assert "中共信陵镇委员会" not in page and "中共云龙河村支部委员会" not in page


@pytest.mark.parametrize("role", ["member", "auditor", "secadmin"])
def test_roles_without_org_view_get_links_only(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "data-figure" not in page and "换届提醒" not in page
    assert reverse("accounts:profile") in page


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def grow(tree, admin, count):
    """`count` villages under 万寨乡, each with a branch, a member, some with secretaries and due terms."""
    for i in range(count):
        village = make_org(tree["wanzhai"], f"测试村{i:03d}", f"T-{count}-{i:03d}", Level.VILLAGE,
                           kind=Org.Kind.BRANCH)
        make_org(village, f"测试村{i:03d}第一支部", f"T-{count}-{i:03d}-1", Level.BRANCH, kind=Org.Kind.BRANCH)
        make_person(village)
        if i % 3 == 0:
            appoint_secretary(village, admin)
        if i % 4 == 0:
            set_term(village, admin, 30)


def home_queries(client):
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_home_query_count_does_not_grow_with_the_tree(client, tree, users):
    admin = users["xuanen_admin"]
    client.force_login(admin)
    grow(tree, admin, 5)
    few = home_queries(client)
    grow(tree, admin, 45)
    assert home_queries(client) == few
    figures = selectors.home_figures(admin)
    assert len(figures["no_secretary"]["orgs"]) == 10 and figures["no_secretary"]["more"] > 0
