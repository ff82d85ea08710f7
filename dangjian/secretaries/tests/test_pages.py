"""The pages: each list and detail page costs a fixed number of queries; the buttons follow the actors; a step
posted by the wrong account is refused (403) and a wrong step shows the service's message."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.secretaries import services
from dangjian.secretaries.models import Topic
from dangjian.secretaries.tests.test_api import _some_records

YEAR = datetime.date.today().year


def client(user):
    c = Client()
    c.force_login(user)
    return c


PAGES = ["secretaries:topic_list", "secretaries:session_list", "secretaries:point_list", "secretaries:review_list",
         "secretaries:overview", "secretaries:compliance", "secretaries:export"]


@pytest.mark.parametrize("name", PAGES)
def test_list_pages_cost_a_fixed_number_of_queries(cast, tree, name, django_assert_max_num_queries):
    _some_records(cast, tree, 2, first=True)
    staff = client(cast["badong"])
    with django_assert_max_num_queries(20) as first:  # the export adds its audit entry
        assert staff.get(reverse(name)).status_code == 200
    _some_records(cast, tree, 6, first=False)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert staff.get(reverse(name)).status_code == 200


def test_detail_pages(cast, tree):
    _some_records(cast, tree, 1, first=True)
    from dangjian.secretaries.models import CommitteeSession, ContactPoint, SecretaryReview, Undertaking

    for name, obj in [("topic_detail", Topic.objects.first()), ("undertaking_detail", Undertaking.objects.get()),
                      ("session_detail", CommitteeSession.objects.first()),
                      ("point_detail", ContactPoint.objects.get()), ("review_detail", SecretaryReview.objects.first())]:
        assert client(cast["badong"]).get(reverse(f"secretaries:{name}", args=[obj.pk])).status_code == 200, name
        assert client(cast["xuanen"]).get(reverse(f"secretaries:{name}", args=[obj.pk])).status_code == 404, name


def test_the_buttons_follow_the_actors(cast, tree):
    topic = services.topic_propose(actor=cast["badong"], org=tree["badong"], year=YEAR, title="t", weakness="w")
    url = reverse("secretaries:topic_detail", args=[topic.pk])
    assert 'id="step-select"' in client(cast["shuji"]).get(url).content.decode()
    assert 'id="step-select"' not in client(cast["buzhang"]).get(url).content.decode()
    step = reverse("secretaries:topic_step", args=[topic.pk, "select"])
    assert client(cast["buzhang"]).post(step, {"difficulty": "难"}).status_code == 403
    assert Topic.objects.get().status == "proposed"
    response = client(cast["shuji"]).post(step, {"difficulty": "难"})
    assert response.status_code == 302 and Topic.objects.get().status == "selected"
    again = client(cast["shuji"]).post(step, {"difficulty": "难"})
    assert again.status_code == 200 and "当前不能进行这一步" in again.content.decode()


def test_a_review_graded_on_its_page(cast, tree):
    review = services.review_create(actor=cast["cun"], org=tree["yunlong"], year=YEAR - 1, report="述职")
    url = reverse("secretaries:review_detail", args=[review.pk])
    assert client(cast["cun"]).post(url, {"step": "submit", "report": "述职全文"}).status_code == 302
    data = {"step": "grade", "reviewed_on": f"{YEAR - 1}-12-20", "comment": "好", "good": 1, "fairly_good": 1,
            "fair": 0, "poor": 0}
    assert client(cast["xinling"]).post(url, data).status_code == 302
    review.refresh_from_db()
    assert review.grade == "fairly_good" and review.report == "述职全文"
    zero = client(cast["xinling"]).post(url, {**data, "good": 0, "fairly_good": 0})
    assert zero.status_code == 200 and "至少要有一名评议人投票" in zero.content.decode()


def test_to_dos_of_whoever_must_act(cast, tree):
    from dangjian.core.workbench import user_todos

    topic = services.topic_propose(actor=cast["badong"], org=tree["badong"], year=YEAR, title="待选课题", weakness="w")
    assert any("待选课题" in item["label"] for item in user_todos(cast["shuji"]))
    assert not any("待选课题" in item["label"] for item in user_todos(cast["buzhang"]))
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="难")
    assert any("待选课题" in item["label"] for item in user_todos(cast["buzhang"]))
    services.topic_claim(actor=cast["buzhang"], topic=topic, key_point="k", plan="p")
    assert any("待选课题" in item["label"] for item in user_todos(cast["cun"]))  # open to take up
    services.topic_undertake(actor=cast["cun"], topic=topic, org=tree["yunlong"])
    assert not any("待选课题" in item["label"] for item in user_todos(cast["cun"]))
    point = services.point_assign(actor=cast["badong"], leader=cast["people"]["shuji"], org=tree["yunlong"],
                                  year=YEAR)
    assert any(item["url"].endswith(f"/contact-points/{point.pk}/") for item in user_todos(cast["shuji"]))
    review = services.review_create(actor=cast["cun"], org=tree["yunlong"], year=YEAR - 1, report="述职")
    services.review_submit(actor=cast["cun"], review=review)
    assert any("李村书记" in item["label"] for item in user_todos(cast["xinling"]))
    assert not any("李村书记" in item["label"] for item in user_todos(cast["badong"]))
