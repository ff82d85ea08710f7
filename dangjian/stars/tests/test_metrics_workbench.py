"""The stars metrics (read by key through core.metrics), the home card whose figures lead to their records, the
to-dos of each actor, and the scoring job with its progress."""

from rest_framework.test import APIClient

from dangjian.core import metrics
from dangjian.core.models import Job
from dangjian.core.workbench import cards, user_todos
from dangjian.stars import jobs
from dangjian.stars.tests.conftest import YEAR
from dangjian.stars.tests.test_workflow import self_assess


def test_metrics_per_organization_and_above(stars):
    a = self_assess(stars, stars["assessment"], 班子建设=60, 为民办事=20)
    period = metrics.Period.year(YEAR)
    keys = ["stars.score", "stars.stars", "stars.three_plus_share"]
    assert metrics.values(keys, stars["yunlong"], period) == {"stars.score": 80.0, "stars.stars": 2.0,
                                                               "stars.three_plus_share": 0.0}
    assert metrics.values(keys, stars["xinling"], period)["stars.score"] == 40.0  # (80 + 0) / 2
    found = metrics.get("stars.stars").compute([stars["badong"].pk, stars["xuanen"].pk, a.org_id], period)
    assert found == {stars["badong"].pk: 1.0, stars["xuanen"].pk: 0, a.org_id: 2.0}


def test_home_card_figures_lead_to_their_records(stars):
    self_assess(stars, stars["assessment"])
    for user in (stars["township"], stars["village"], stars["county"]):
        found = {card.key: data for card, data in cards(user)}
        assert "stars.ratings" in found
        client = APIClient()
        client.force_login(user)
        for figure in found["stars.ratings"].figures:
            assert client.get(figure.api).json()["count"] == figure.value, (user, figure)
    waiting = {f.key: f.value for f in dict((c.key, d) for c, d in cards(stars["township"]))["stars.ratings"]
               .figures}
    assert waiting["awaiting"] == 1


def test_todos_name_the_step_of_each_actor(stars):
    labels = [t["label"] for t in user_todos(stars["village"])]
    assert any("云龙河村" in label for label in labels)
    assert not [t for t in user_todos(stars["township"]) if "云龙河村" in str(t["label"])]
    self_assess(stars, stars["assessment"])
    assert [t for t in user_todos(stars["township"]) if "云龙河村" in str(t["label"])]


def test_the_scoring_job_reports_its_progress(stars):
    job = jobs.start_scoring(actor=stars["county"], scheme=stars["scheme"])
    job = Job.objects.get(pk=job.pk)
    assert job.status == "done" and job.done == job.total == 2
    assert job.download_name.endswith(".csv")
