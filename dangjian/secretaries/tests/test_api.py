"""The API contract: a topic through its steps by the accounts the records name, the fields and statuses, 404 for
ids outside scope (URL or body), 403 / 400 with the services' message for the wrong actor or step; reviews;
query counts of the lists."""

import datetime

import pytest
from rest_framework.test import APIClient

from dangjian.secretaries import services
from dangjian.secretaries.models import Topic

YEAR = datetime.date.today().year


def client(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_a_topic_through_the_api(cast, tree):
    body = client(cast["badong"]).post("/api/v1/topics/", {
        "org": tree["badong"].pk, "year": YEAR, "title": "党建引领", "weakness": "弱", "goal": "强"}, format="json")
    assert body.status_code == 201, body.json()
    topic = body.json()
    assert set(topic) >= {"id", "org", "year", "title", "weakness", "goal", "difficulty", "key_point", "plan",
                          "owner", "status", "evaluation", "undertakings"}
    assert topic["status"] == "proposed"
    url = f"/api/v1/topics/{topic['id']}/"
    wrong = client(cast["buzhang"]).post(url + "select/", {"difficulty": "难"}, format="json")
    assert (wrong.status_code == 403 and "书记" in wrong.json()["detail"]) or "secretary" in wrong.json()["detail"]
    step = client(cast["shuji"]).post(url + "select/", {"difficulty": "难"}, format="json")
    assert step.json()["status"] == "selected" and step.json()["owner"] == cast["people"]["buzhang"].pk
    early = client(cast["cun"]).post(url + "undertake/", {"org": tree["yunlong"].pk}, format="json")
    assert early.status_code == 400
    assert client(cast["buzhang"]).post(url + "claim/", {"key_point": "k", "plan": "p"},
                                        format="json").json()["status"] == "claimed"
    outside = client(cast["cun"]).post(url + "undertake/", {"org": tree["wujiatai"].pk}, format="json")
    assert outside.status_code == 404
    made = client(cast["cun"]).post(url + "undertake/", {"org": tree["yunlong"].pk}, format="json")
    assert made.status_code == 201 and set(made.json()) >= {"id", "topic", "org", "status", "highlight", "reports"}
    report = client(cast["cun"]).post(f"/api/v1/topic-undertakings/{made.json()['id']}/report/",
                                      {"content": "进展", "highlight": "亮点", "done": True}, format="json")
    assert report.json()["status"] == "done" and len(report.json()["reports"]) == 1
    done = client(cast["badong"]).post(url + "complete/", {"evaluation": "好"}, format="json")
    assert done.json()["status"] == "completed" and done.json()["undertakings"][0]["highlight"] == "亮点"
    again = client(cast["badong"]).post(url + "return/", {"reason": "x"}, format="json")
    assert again.status_code == 400 and again.json()["non_field_errors"]


def test_scope_in_the_url_and_the_body(cast, tree):
    topic = services.topic_propose(actor=cast["badong"], org=tree["badong"], year=YEAR, title="t", weakness="w")
    assert client(cast["xuanen"]).get(f"/api/v1/topics/{topic.pk}/").status_code == 404
    assert client(cast["xuanen"]).post(f"/api/v1/topics/{topic.pk}/select/", {"difficulty": "x"},
                                       format="json").status_code == 404
    assert client(cast["xuanen"]).post("/api/v1/topics/", {"org": tree["badong"].pk, "year": YEAR, "title": "t",
                                                           "weakness": "w"}, format="json").status_code == 404
    assert client(cast["cun"]).post("/api/v1/topics/", {"org": tree["yunlong"].pk, "year": YEAR, "title": "t",
                                                        "weakness": "w"}, format="json").status_code == 403
    assert Topic.objects.count() == 1


def test_sessions_points_visits_and_reviews(cast, tree):
    staff, today = client(cast["badong"]), datetime.date.today()
    future = staff.post("/api/v1/committee-sessions/", {"org": tree["badong"].pk, "kind": "study",
                        "held_on": (today + datetime.timedelta(days=2)).isoformat(), "agenda": "a"}, format="json")
    assert future.status_code == 400 and "held_on" in future.json()
    made = staff.post("/api/v1/committee-sessions/", {"org": tree["badong"].pk, "kind": "study",
                      "held_on": today.isoformat(), "agenda": "a"}, format="json")
    assert made.status_code == 201 and made.json()["kind"] == "study"
    point = staff.post("/api/v1/contact-points/", {"leader": cast["people"]["shuji"].pk, "org": tree["yunlong"].pk,
                                                   "year": YEAR}, format="json")
    assert point.status_code == 201 and point.json()["leader"] == cast["people"]["shuji"].pk
    visit = client(cast["shuji"]).post("/api/v1/contact-visits/", {
        "point": point.json()["id"], "visited_on": today.isoformat(), "content": "走访", "problems": "路不通",
        "help": "协调"}, format="json")
    assert visit.status_code == 201 and visit.json()["problems"] == "路不通"
    review = client(cast["cun"]).post("/api/v1/secretary-reviews/", {"org": tree["yunlong"].pk, "year": YEAR - 1,
                                                                      "report": "述职"}, format="json")
    assert review.status_code == 201 and review.json()["status"] == "draft"
    url = f"/api/v1/secretary-reviews/{review.json()['id']}/"
    assert client(cast["cun"]).post(url + "submit/").json()["status"] == "submitted"
    ballots = {"good": 1, "fairly_good": 0, "fair": 0, "poor": 1}
    graded = client(cast["xinling"]).post(url + "grade/", {"ballots": ballots, "comment": "c"}, format="json")
    assert graded.json()["grade"] == "poor" and graded.json()["ballots"] == ballots
    zero = client(cast["xinling"]).post(url + "grade/", {"ballots": dict.fromkeys(ballots, 0)}, format="json")
    assert zero.status_code == 400 and "ballots" in zero.json()
    assert client(cast["cun"]).post(url + "publish/").status_code == 403
    assert client(cast["xinling"]).post(url + "publish/").json()["status"] == "published"
    assert client(cast["xinling"]).post(url + "grade/", {"ballots": ballots}, format="json").status_code == 400


def _some_records(cast, tree, n, first):
    """n topics, sessions and visits; the first time also a topic taken up, two reviews and a contact point."""
    from dangjian.secretaries.models import ContactPoint

    today = datetime.date.today()
    for i in range(n):
        topic = services.topic_propose(actor=cast["badong"], org=tree["badong"], year=YEAR, title=f"t{i}",
                                       weakness="w")
        services.session_record(actor=cast["badong"], org=tree["badong"], kind="study", held_on=today, agenda="a")
    if not first:
        point = ContactPoint.objects.get()
        for _i in range(n):
            services.visit_log(actor=cast["cun"], point=point, visited_on=today, content="v")
        return
    services.review_create(actor=cast["badong"], org=tree["xinling"], year=YEAR)
    services.review_create(actor=cast["xinling"], org=tree["yunlong"], year=YEAR)
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="d")
    services.topic_claim(actor=cast["buzhang"], topic=topic, key_point="k", plan="p")
    undertaking = services.topic_undertake(actor=cast["cun"], topic=topic, org=tree["yunlong"])
    services.undertaking_report(actor=cast["cun"], undertaking=undertaking, content="c")
    point = services.point_assign(actor=cast["badong"], leader=cast["people"]["changwei"], org=tree["yunlong"],
                                  year=YEAR)
    for _i in range(n):
        services.visit_log(actor=cast["cun"], point=point, visited_on=today, content="v")


@pytest.mark.parametrize("path", ["topics", "topic-undertakings", "committee-sessions", "contact-points",
                                  "contact-visits", "secretary-reviews", "secretaries/compliance"])
def test_lists_cost_a_fixed_number_of_queries(cast, tree, path, django_assert_max_num_queries):
    _some_records(cast, tree, 2, first=True)
    with django_assert_max_num_queries(8):
        assert client(cast["zhou"]).get(f"/api/v1/{path}/").status_code == 200
    _some_records(cast, tree, 5, first=False)
    with django_assert_max_num_queries(8):
        assert client(cast["zhou"]).get(f"/api/v1/{path}/").status_code == 200


def test_the_secretary_reads_the_grade_once_published(cast, tree):
    review = services.review_create(actor=cast["cun"], org=tree["yunlong"], year=YEAR - 1, report="述职")
    services.review_submit(actor=cast["cun"], review=review)
    services.review_grade(actor=cast["xinling"], review=review, ballots={"good": 3, "fairly_good": 0, "fair": 0,
                                                                          "poor": 0}, comment="好")
    url = f"/api/v1/secretary-reviews/{review.pk}/"
    mine = client(cast["cun"]).get(url).json()
    assert (mine["grade"], mine["ballots"], mine["comment"], mine["status"]) == ("", None, "", "graded")
    assert client(cast["xinling"]).get(url).json()["grade"] == "good"
    services.review_publish(actor=cast["xinling"], review=review)
    assert client(cast["cun"]).get(url).json()["grade"] == "good"


def test_a_visit_problem_passed_on_through_the_api(cast, tree):
    point = services.point_assign(actor=cast["badong"], leader=cast["people"]["shuji"], org=tree["yunlong"],
                                  year=YEAR)
    visit = services.visit_log(actor=cast["cun"], point=point, visited_on=datetime.date.today(), content="走访",
                               problems="道路损毁")
    url = f"/api/v1/contact-visits/{visit.pk}/pass-on/"
    deadline = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    assert client(cast["shuji"]).post(url, {"deadline": deadline}, format="json").status_code == 403
    assert client(cast["xuanen"]).post(url, {"deadline": deadline}, format="json").status_code == 404
    done = client(cast["badong"]).post(url, {"deadline": deadline}, format="json")
    assert done.status_code == 200 and done.json()["task_ref"]
    assert client(cast["badong"]).post(url, {"deadline": deadline}, format="json").status_code == 400
