"""The home page: the cards the apps declare (core.workbench) with real figures of the user's organization, each
leading to the list that counts it, computed in a constant number of queries; and /api/v1/home/."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.conftest import make_org, make_person
from dangjian.core import workbench
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


def figures(user):
    return {card.key: {f.key: f.value for f in data.figures} for card, data in workbench.cards(user)}


def listed(user, key):
    return next(data for card, data in workbench.cards(user) if card.key == key)


def county_with_facts(tree, admin):
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


def test_figures_of_a_county(tree, users):
    admin = users["xuanen_admin"]
    county_with_facts(tree, admin)

    got = figures(admin)

    assert got["orgs.suborgs"] == {"total": 3, "level.4": 1, "level.5": 1, "level.6": 1}
    # two members, one mobile member, and the two secretaries; not the deceased, not the other county
    assert got["orgs.members"] == {"total": 5, "full": 4, "probationary": 1}
    # Without a secretary: the county itself and the branch (万寨乡 and 伍家台村 have one).
    assert got["orgs.secretaries"] == {"no_secretary": 2}
    assert [i.label for i in listed(admin, "orgs.secretaries").items] == ["中共宣恩县委", "伍家台村第一党支部"]
    assert got["orgs.terms"] == {"due": 2, "ended": 1, "ending": 1}
    todos = workbench.user_todos(admin)
    assert [t["label"] for t in todos] == ["需换届：中共伍家台村支部委员会", "需换届：伍家台村第一党支部"]


def test_figures_of_a_branch_and_of_a_role_without_people(tree, users):
    from dangjian.conftest import make_user

    branch_user = make_user(tree["wujiatai_b1"], "secretary", "b1")
    got = figures(branch_user)
    assert got["orgs.suborgs"] == {"total": 0}
    assert got["orgs.secretaries"] == {"no_secretary": 1}  # itself
    assert "orgs.members" not in figures(users["sysadmin"])


@pytest.mark.parametrize("username", ["xuanen_admin", "zhou_admin", "wanzhai", "wujiatai", "leader"])
def test_every_figure_leads_to_a_list_that_counts_it(tree, users, username):
    """The acceptance rule of the home page: each figure's API list, asked by the same user, has `count` equal
    to the figure (and the page link carries the same filters)."""
    from rest_framework.test import APIClient

    county_with_facts(tree, users["xuanen_admin"])
    user = users[username]
    api = APIClient()
    api.force_authenticate(user)
    body = api.get(reverse("api-home")).json()
    assert body["cards"], username
    for card in body["cards"]:
        for figure in card["figures"]:
            response = api.get(figure["url"])
            assert response.status_code == 200, figure
            assert response.json()["count"] == figure["value"], (card["key"], figure)


def test_home_page_for_an_organization_department(client, tree, users):
    admin = users["xuanen_admin"]
    make_person(tree["wujiatai_b1"])
    set_term(tree["wujiatai"], admin, 30)
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert "中共宣恩县委" in page
    assert "下级组织" in page and "乡镇党委" in page and "正式党员" in page and "预备党员" in page
    assert "未配备书记" in page and "需换届" in page and "六个月内届满" in page and "待办事项" in page
    assert "需换届：中共伍家台村支部委员会" in page  # the election reminder is a to-do
    assert reverse("orgs:detail", args=[tree["wujiatai"].pk]) in page
    assert 'data-figure="orgs.suborgs.total">4<' in page  # 2 townships, 1 village, 1 branch
    assert 'data-figure="orgs.members.total"' in page


def test_home_page_of_a_township_does_not_count_other_townships(client, tree, users):
    make_person(tree["yunlong"])
    client.force_login(users["wanzhai"])
    page = client.get(reverse("home")).content.decode()
    assert 'data-figure="orgs.suborgs.total">2<' in page
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
    lacking = listed(admin, "orgs.secretaries")
    assert len(lacking.items) == 10 and lacking.more > 0
    page = client.get(reverse("home")).content.decode()
    assert f'href="{lacking.more_url}" data-more="orgs.secretaries"' in page.replace("&amp;", "&")
