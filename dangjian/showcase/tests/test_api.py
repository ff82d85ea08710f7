"""The API contract (paths, fields, statuses, actions), bad input answered in Chinese with nothing changed, and
the lists' query counts."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from . import factories as f
from .snapshots import state


@pytest.fixture
def as_user(world):
    def login(name):
        client = APIClient()
        client.force_login(world["users"][name] if isinstance(name, str) else name)
        return client

    return login


def test_contract_fields(world, as_user):
    f.meeting(world)
    f.service(world)
    f.nomination(world)
    client = as_user("xuanen_admin")
    site = client.get("/api/v1/demo-sites/").json()["results"][0]
    assert {"id", "org", "level", "theme", "mentored", "status"} <= set(site) and site["level"] == "county"
    meeting = client.get("/api/v1/meetings/").json()["results"][0]
    assert {"id", "host_org", "kind", "held_on", "place", "sites", "participants", "headcount", "summary"} <= set(
        meeting) and meeting["host_org"] == world["wanzhai"].pk and meeting["sites"] == [site["id"]]
    post = client.get("/api/v1/model-posts/").json()["results"][0]
    assert {"id", "person", "org", "kind", "duty", "status"} <= set(post) and post["status"] == "published"
    service = client.get("/api/v1/post-services/").json()["results"][0]
    assert set(service) == {"id", "post", "served_on", "people_served", "problems_solved", "note"}
    assert client.get("/api/v1/honor-campaigns/").json()["count"] == 1
    assert client.get("/api/v1/nominations/?status=nominated").json()["count"] == 1


def test_member_applies_and_the_steps_run_through_the_api(world, as_user):
    member = f.applicant(world)
    created = as_user(member).post("/api/v1/model-posts/", {"kind": "vanguard", "title": "接口先锋岗",
                                                            "duty": "服务群众"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "applied"
    pk = created.json()["id"]
    second = as_user(member).post("/api/v1/model-posts/", {"kind": "model", "title": "再申请", "duty": "x"},
                                  format="json")
    assert second.status_code == 400 and "已有" in str(second.json())
    assert as_user("wujiatai").post(f"/api/v1/model-posts/{pk}/recommend/").json()["status"] == "recommended"
    assert as_user("wanzhai").post(f"/api/v1/model-posts/{pk}/approve/").json()["status"] == "notice"
    early = as_user("wanzhai").post(f"/api/v1/model-posts/{pk}/publish/")
    assert early.status_code == 400 and "公示" in str(early.json())
    withdrawn = as_user(member).post(f"/api/v1/model-posts/{pk}/withdraw/", {"reason": "工作调动"}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"


@pytest.mark.parametrize(("path", "body", "words"), [
    ("/api/v1/nominations/", lambda w, c: {"campaign": c.pk, "org": w["wujiatai"].pk,
                                           "evidence": ["a", "b", "", "d", "e"]}, "工作机制好"),
    ("/api/v1/demo-sites/", lambda w, c: {"org": w["wujiatai"].pk, "level": "prefecture", "theme": "x",
                                          "lessons": "y"}, "不能"),
    ("/api/v1/meetings/", lambda w, c: {"host_org": w["wanzhai"].pk, "kind": "onsite", "held_on": "2099-01-01",
                                        "place": "x", "headcount": 3, "summary": "y"}, "召开"),
])
def test_bad_input_gets_a_chinese_error_and_changes_nothing(world, as_user, path, body, words):
    campaign = f.campaign(world)
    before = state()
    response = as_user("xuanen_admin").post(path, body(world, campaign), format="json")
    assert response.status_code == 400 and words in str(response.json()), response.json()
    assert state() == before


def test_ids_outside_scope_in_the_body_are_404(world, as_user):
    before = state()
    response = as_user("xuanen_admin").post("/api/v1/meetings/", {
        "host_org": world["wanzhai"].pk, "kind": "onsite", "held_on": "2012-05-01", "place": "x", "headcount": 3,
        "summary": "y", "participants": [world["yunlong"].pk]}, format="json")
    assert response.status_code == 404
    response = as_user("badong_admin").post("/api/v1/nominations/", {
        "campaign": f.campaign(world).pk, "org": world["yunlong"].pk, "evidence": f.EVIDENCE}, format="json")
    assert response.status_code == 404
    assert state()["Meeting"] == before["Meeting"] and state()["Nomination"] == []


def test_api_lists_cost_a_fixed_number_of_queries(world, as_user, django_assert_max_num_queries):
    f.meeting(world)
    f.service(world)
    f.nomination(world)
    client = as_user("xuanen_admin")
    for name in ("demo-site-list", "meeting-list", "model-post-list", "post-service-list", "honor-campaign-list",
                 "nomination-list"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name)).status_code == 200


def test_page_lists_cost_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    f.meeting(world)
    f.service(world)
    f.nomination(world)
    client.force_login(world["users"]["xuanen_admin"])
    for name, args in (("showcase:post_list", []), ("showcase:campaign_list", []),
                       ("showcase:campaign_detail", [f.campaign(world).pk]),
                       ("showcase:post_detail", [f.post(world, "published").pk])):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name, args=args)).status_code == 200


def test_home_card_figures_equal_their_lists(world, as_user):
    f.meeting(world)
    f.service(world)
    f.nomination(world, "named")
    for who in ("xuanen_admin", "wanzhai", "zhou_admin"):
        client = as_user(who)
        card = next(c for c in client.get("/api/v1/home/").json()["cards"] if c["key"] == "showcase")
        values = {figure["key"]: figure["value"] for figure in card["figures"]}
        assert values["sites_county"] == 1 and values["posts"] == 1 and values["honours"] == 1, values
        assert values["meetings"] == 1 and values["sites"] == 1
        for figure in card["figures"]:
            assert client.get(figure["url"]).json()["count"] == figure["value"], figure
