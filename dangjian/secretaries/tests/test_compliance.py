"""The compliance rows (selectors.compliance): the figures per child organization, the status, a constant query
count, the API contract and the metrics computed in bulk."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.conftest import make_org
from dangjian.core import metrics
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.orgs.models import Level
from dangjian.secretaries import metrics as keys
from dangjian.secretaries import selectors, services

LAST = datetime.date.today().year - 1  # a past year: everything is due


def day(month, d=10):
    return datetime.date(LAST, month, d)


@pytest.fixture
def records(cast, tree):
    """信陵镇 studies in three quarters, reports to the plenary once; its secretary has one contact point with 4
    visits. 巴东县 studies every quarter and reports; its secretary's point has one visit. A second township
    recorded nothing."""
    make_org(tree["badong"], "中共溪丘湾乡委员会", "422823-xqw", Level.TOWNSHIP)
    for month in (1, 4, 7, 8):
        services.session_record(actor=cast["xinling"], org=tree["xinling"], kind="study", held_on=day(month),
                                agenda="研究党建")
    services.session_record(actor=cast["xinling"], org=tree["xinling"], kind="plenary_report",
                            held_on=day(12), agenda="向全委会报告")
    for month in (2, 5, 8, 11):
        services.session_record(actor=cast["badong"], org=tree["badong"], kind="study", held_on=day(month),
                                agenda="研究党建")
    services.session_record(actor=cast["badong"], org=tree["badong"], kind="plenary_report", held_on=day(12),
                            agenda="报告")
    zhen = services.point_assign(actor=cast["xinling"], leader=cast["people"]["zhen_shuji"], org=tree["yunlong"],
                                 year=LAST)
    for month in (3, 6, 9, 10, 11):
        services.visit_log(actor=cast["cun"], point=zhen, visited_on=day(month), content="走访")
    county = services.point_assign(actor=cast["badong"], leader=cast["people"]["shuji"], org=tree["yunlong"],
                                   year=LAST)
    services.visit_log(actor=cast["shuji"], point=county, visited_on=day(5), content="调研")
    topic = services.topic_propose(actor=cast["xinling"], org=tree["xinling"], year=LAST + 1, title="t",
                                   weakness="w")
    review = services.review_create(actor=cast["zhen_shuji"], org=tree["xinling"], year=LAST, report="述职")
    services.review_submit(actor=cast["zhen_shuji"], review=review)
    services.review_grade(actor=cast["badong"], review=review, ballots={"good": 1, "fairly_good": 5, "fair": 1,
                                                                         "poor": 0}, reviewed_on=day(12, 20))
    return {"topic": topic}


def test_rows_per_child(cast, tree, records):
    rows = {row.org.name: row for row in selectors.compliance(tree["badong"], LAST)}
    xinling = rows["中共信陵镇委员会"]
    assert (xinling.study_sessions, xinling.study_quarters, xinling.study_required) == (4, 3, 4)
    assert (xinling.plenary_reports, xinling.plenary_required) == (1, 1)
    assert (xinling.visits, xinling.visits_due, xinling.visits_counted) == (5, 4, 4)
    assert xinling.review_grade == "fairly_good"
    assert xinling.status == "behind"  # a quarter without a study session
    assert rows["中共溪丘湾乡委员会"].status == "missing"
    county = {row.org.name: row for row in selectors.compliance(tree["zhou"], LAST)}["中共巴东县委"]
    assert (county.study_sessions, county.plenary_reports, county.visits, county.visits_due) == (4, 1, 1, 4)
    assert county.status == "behind"
    villages = {row.org.name: row for row in selectors.compliance(tree["xinling"], LAST)}
    yunlong = villages["中共云龙河村支部委员会"]  # a grassroots child: the visits it received, nothing required
    assert (yunlong.study_required, yunlong.visits, yunlong.visits_due) == (0, 6, 8)
    topics = {row.org.name: row.topics for row in selectors.compliance(tree["badong"], LAST + 1)}
    assert topics["中共信陵镇委员会"] == {"proposed": 1}


def test_the_query_count_does_not_depend_on_the_children(cast, tree, records, django_assert_num_queries):
    with django_assert_num_queries(5):
        selectors.compliance(tree["badong"], LAST)
    for i in range(5):
        make_org(tree["badong"], f"中共新乡{i}委员会", f"new-{i}", Level.TOWNSHIP)
    with django_assert_num_queries(5):
        assert len(selectors.compliance(tree["badong"], LAST)) == 7


def test_the_api_contract(cast, tree, records):
    client = APIClient()
    client.force_authenticate(cast["zhou"])
    url = reverse("secretaries-compliance")
    body = client.get(url, {"org": tree["badong"].pk, "year": LAST}).json()
    assert body["count"] == 2 and body["year"] == LAST
    row = next(r for r in body["results"] if r["org"] == tree["xinling"].pk)
    assert {"study_sessions", "study_required", "plenary_reports", "plenary_required", "visits", "visits_due",
            "topics", "review_grade", "status"} <= set(row)
    assert (row["study_sessions"], row["study_required"], row["status"]) == (4, 4, "behind")
    lagging = client.get(url, {"org": tree["badong"].pk, "year": LAST, "status": "lagging"}).json()
    assert lagging["count"] == 2
    assert client.get(url, {"org": tree["badong"].pk, "year": LAST, "status": "on_track"}).json()["count"] == 0
    assert client.get(url, {"year": 99999}).status_code == 400
    outsider = APIClient()
    outsider.force_authenticate(cast["xuanen"])
    assert outsider.get(url, {"org": tree["badong"].pk}).status_code == 404
    member = APIClient()
    member.force_authenticate(cast["cun"])
    assert member.get(url, {"org": tree["badong"].pk}).status_code == 404


def test_metrics_in_bulk_and_the_summary_table(cast, tree, records):
    period = metrics.Period.year(LAST)
    ids = [tree["badong"].pk, tree["xinling"].pk, tree["zhou"].pk]
    assert metrics.get(keys.STUDY).compute(ids, period) == {tree["badong"].pk: 8, tree["xinling"].pk: 4,
                                                            tree["zhou"].pk: 8}
    assert metrics.get(keys.PLENARY).compute(ids, period)[tree["badong"].pk] == 2
    assert metrics.get(keys.VISITS).compute(ids, period)[tree["zhou"].pk] == 6
    # 巴东: 2 committees + 溪丘湾乡 = 3 × 4 quarters due; 4 + 3 covered
    assert metrics.get(keys.STUDY_COMPLIANCE).compute(ids, period)[tree["badong"].pk] == round(100 * 7 / 12)
    assert metrics.get(keys.VISITS_COMPLIANCE).compute(ids, period)[tree["badong"].pk] == round(100 * 5 / 8)
    assert metrics.get(keys.REVIEW_GRADE).compute(ids, period) == {tree["badong"].pk: 0, tree["xinling"].pk: 3,
                                                                   tree["zhou"].pk: 0}
    assert metrics.values([keys.grade_metric("fairly_good")], tree["zhou"], period) == {
        keys.grade_metric("fairly_good"): 1}
    assert metrics.values([keys.TOPICS_LISTED], tree["badong"])[keys.TOPICS_LISTED] == 1
    assert_summary_matches_facts()
