"""The metrics of 组织与人员 (orgs.metrics): the summary table stays equal to the facts through every write that
changes a kept figure (core.metrics' tracker), the rebuild command recomputes it, reads of the upper levels come
from it, and the lower levels are counted live — with the same values either way."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.conftest import make_org, make_person
from dangjian.core import metrics
from dangjian.core.models import Summary
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.orgs import metrics as org_metrics
from dangjian.orgs import services
from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Org

DAY = datetime.date(2024, 3, 1)


def test_every_write_keeps_the_summary_equal_to_the_facts(tree, users):
    actor = users["zhou_admin"]
    village = make_org(tree["wanzhai"], "测试村", "t-village", Level.VILLAGE)
    branch = make_org(village, "测试村第一党支部", "t-branch", Level.BRANCH, kind=Org.Kind.BRANCH)
    assert_summary_matches_facts()

    person = services.person_create(actor=actor, org=branch, **_person(seed=1))
    probationer = services.person_create(actor=actor, org=village, **_person(seed=2, category="probationary",
                                                                             full_member_on=None))
    assert_summary_matches_facts()
    position = services.position_appoint(actor=actor, person=person, org=branch, title=Title.SECRETARY,
                                         start_date=DAY)
    assert_summary_matches_facts()
    services.person_update(actor=actor, person=probationer, category="full", full_member_on=DAY)
    services.person_update(actor=actor, person=probationer, status="deceased")
    assert_summary_matches_facts()
    services.person_transfer(actor=actor, person=person, to_org=tree["yunlong"], transferred_on=DAY)
    assert_summary_matches_facts()  # moved to 巴东县, and its 书记 post in the old branch ended
    services.org_move(actor=actor, org=village, new_parent=tree["xinling"])
    assert_summary_matches_facts()  # the village and its branch now count for 巴东县
    position.refresh_from_db()
    assert position.end_date == DAY  # ended by the transfer
    other = services.person_create(actor=actor, org=village, **_person(seed=3))
    post = services.position_appoint(actor=actor, person=other, org=village, title=Title.SECRETARY, start_date=DAY)
    assert_summary_matches_facts()
    services.position_end(actor=actor, position=post, end_date=DAY)
    services.person_transfer(actor=actor, person=other, to_org=tree["wujiatai"], transferred_on=DAY)
    services.org_deactivate(actor=actor, org=branch)
    assert_summary_matches_facts()
    services.org_reactivate(actor=actor, org=branch)
    services.org_update(actor=actor, org=tree["wujiatai_b1"], name="伍家台村第一党支部（改）")
    empty = make_org(tree["xiaohe"], "空组织", "t-empty", Level.VILLAGE)
    services.org_delete(actor=actor, org=empty)
    assert_summary_matches_facts()


def test_rebuild_command_recomputes_the_table(tree, users):
    make_person(tree["wujiatai"])
    full = org_metrics.members_metric("full")
    before = metrics.values([full, org_metrics.MEMBERS], tree["xuanen"])
    Summary.objects.all().delete()
    assert metrics.values([full], tree["zhou"]) == {full: 0}
    call_command("summary_rebuild", stdout=open("/dev/null", "w"))
    assert metrics.values([full, org_metrics.MEMBERS], tree["xuanen"]) == before == {full: 1, org_metrics.MEMBERS: 1}


def test_only_upper_levels_are_summarised(tree):
    assert metrics.covered(tree["badong"]) and not metrics.covered(tree["wanzhai"])
    township_rows = Summary.objects.filter(org_id__in=[tree["wanzhai"].pk, tree["wujiatai"].pk])
    assert not township_rows.exists()


def test_table_and_live_counts_agree(tree, users):
    """The same metric read from the table (a county) and computed from the facts gives the same value."""
    make_person(tree["wujiatai"])
    make_person(tree["wujiatai_b1"], category="probationary", full_member_on=None)
    make_person(tree["wujiatai_b1"], status="deceased")
    keys = [m.key for m in metrics.kept_metrics()]
    for org in (tree["zhou"], tree["xuanen"], tree["wanzhai"], tree["wujiatai"], tree["wujiatai_b1"]):
        live = {key: metrics.get(key).compute([org.pk])[org.pk] for key in keys}
        assert metrics.values(keys, org) == live, org.name
    assert metrics.values([org_metrics.MEMBERS], tree["xuanen"]) == {org_metrics.MEMBERS: 2}


def test_compute_for_a_page_of_organizations_is_one_query(tree, django_assert_num_queries):
    make_person(tree["wujiatai_b1"])
    orgs = [tree["xuanen"], tree["wanzhai"], tree["wujiatai"], tree["wujiatai_b1"], tree["badong"]]
    metric = metrics.get(org_metrics.MEMBERS)
    with django_assert_num_queries(2):  # the levels of the organizations, then one UNION ALL of GROUP BYs
        counts = metric.compute([o.pk for o in orgs])
    assert counts == {tree["xuanen"].pk: 1, tree["wanzhai"].pk: 1, tree["wujiatai"].pk: 1,
                      tree["wujiatai_b1"].pk: 1, tree["badong"].pk: 0}


@pytest.mark.parametrize("key", ["zhou_admin", "wanzhai"])
def test_home_cards_cost_a_fixed_number_of_queries(users, tree, key):
    from dangjian.core import workbench

    def count():
        with CaptureQueriesContext(connection) as queries:
            workbench.cards(users[key])
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
