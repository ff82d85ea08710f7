"""The summary table stays equal to the facts through every write that changes a figure, and the rebuild
command recomputes it; the home page of an upper level reads it in one query."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.conftest import make_org, make_person
from dangjian.core.models import Summary
from dangjian.orgs import services, summary
from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Org

DAY = datetime.date(2024, 3, 1)


def nonzero(values):
    return {k: v for k, v in values.items() if v}


def assert_consistent(*orgs):
    for org in orgs:
        org.refresh_from_db()
        assert nonzero(summary.figures(org)) == nonzero(summary.subtree_totals(org)), org.name


def test_every_write_keeps_the_summary_equal_to_the_facts(tree, users):
    actor = users["zhou_admin"]
    upper = (tree["zhou"], tree["badong"], tree["xuanen"])
    village = make_org(tree["wanzhai"], "测试村", "t-village", Level.VILLAGE)
    branch = make_org(village, "测试村第一党支部", "t-branch", Level.BRANCH, kind=Org.Kind.BRANCH)
    assert_consistent(*upper)

    person = services.person_create(actor=actor, org=branch, **_person(seed=1))
    probationer = services.person_create(actor=actor, org=village, **_person(seed=2, category="probationary",
                                                                             full_member_on=None))
    assert_consistent(*upper)
    position = services.position_appoint(actor=actor, person=person, org=branch, title=Title.SECRETARY,
                                         start_date=DAY)
    assert_consistent(*upper)
    services.person_update(actor=actor, person=probationer, category="full", full_member_on=DAY)
    services.person_update(actor=actor, person=probationer, status="deceased")
    assert_consistent(*upper)
    services.person_transfer(actor=actor, person=person, to_org=tree["yunlong"], transferred_on=DAY)
    assert_consistent(*upper)  # moved to 巴东县, and its 书记 post in the old branch ended
    services.org_move(actor=actor, org=village, new_parent=tree["xinling"])
    assert_consistent(*upper)  # the village and its branch now count for 巴东县
    position.refresh_from_db()
    assert position.end_date == DAY  # ended by the transfer
    other = services.person_create(actor=actor, org=village, **_person(seed=3))
    post = services.position_appoint(actor=actor, person=other, org=village, title=Title.SECRETARY, start_date=DAY)
    assert_consistent(*upper)
    services.position_end(actor=actor, position=post, end_date=DAY)
    services.person_transfer(actor=actor, person=other, to_org=tree["wujiatai"], transferred_on=DAY)
    services.org_deactivate(actor=actor, org=branch)
    assert_consistent(*upper)
    services.org_reactivate(actor=actor, org=branch)
    services.org_update(actor=actor, org=tree["wujiatai_b1"], name="伍家台村第一党支部（改）")
    empty = make_org(tree["xiaohe"], "空组织", "t-empty", Level.VILLAGE)
    services.org_delete(actor=actor, org=empty)
    assert_consistent(*upper)


def test_rebuild_command_recomputes_the_table(tree, users):
    make_person(tree["wujiatai"])
    expected = {org.pk: nonzero(summary.figures(org)) for org in (tree["zhou"], tree["xuanen"])}
    Summary.objects.all().delete()
    assert summary.figures(tree["zhou"]) == {}
    call_command("summary_rebuild", stdout=open("/dev/null", "w"))
    assert {pk: nonzero(summary.figures(Org.objects.get(pk=pk))) for pk in expected} == expected
    assert expected[tree["xuanen"].pk][summary.member_metric("full")] == 1


def test_only_upper_levels_are_summarised(tree):
    assert summary.covers(tree["badong"]) and not summary.covers(tree["wanzhai"])
    township_rows = Summary.objects.filter(org_id__in=[tree["wanzhai"].pk, tree["wujiatai"].pk])
    assert not township_rows.exists()


@pytest.mark.parametrize("key", ["zhou_admin", "wanzhai"])
def test_home_figures_cost_a_fixed_number_of_queries(users, tree, key):
    from dangjian.dashboard.selectors import home_figures

    def count():
        with CaptureQueriesContext(connection) as queries:
            home_figures(users[key])
        return len(queries)

    small = count()
    for i in range(20):
        make_person(tree["wujiatai"])
        make_org(tree["wanzhai"], f"村{i}", f"q-{i}", Level.VILLAGE)
    assert count() == small


def _person(seed, **overrides):
    import random

    from dangjian.conftest import person_data

    return person_data(random.Random(seed), **overrides)
