"""The API contract (paths, fields, statuses, actions), the pages of each actor, query counts of every list,
the star map and the certificate PDF (its Chinese text extracted and compared)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.conftest import make_org
from dangjian.orgs.models import Level, Org
from dangjian.stars import services, workflow
from dangjian.stars.models import Assessment
from dangjian.stars.tests.conftest import YEAR, ind
from dangjian.stars.tests.pdftext import text as pdf_text
from dangjian.stars.tests.test_workflow import self_assess, to_notice


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def page_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_scheme_api_contract_and_actions(stars):
    county = api(stars["county"])
    body = county.get(f"/api/v1/schemes/{stars['scheme'].pk}/").json()
    assert {"id", "org", "year", "name", "status", "version", "levels", "thresholds", "max_promotion",
            "notice_days", "targets"} <= set(body)
    assert body["status"] == "published" and body["thresholds"][0] == {"stars": 5, "min_score": 95.0}
    response = county.post(f"/api/v1/schemes/{stars['scheme'].pk}/copy/", {"year": YEAR + 1}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    draft = response.json()["id"]
    response = county.patch(f"/api/v1/schemes/{draft}/", {"thresholds": [{"stars": 5, "min_score": 80},
                                                                         {"stars": 4, "min_score": 90}]},
                            format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "递减" in str(response.json())
    indicator = county.post("/api/v1/indicators/", {"scheme": draft, "category": "组织建设", "name": "党员人数",
                                                   "max_points": 5, "method": "metric", "metric": "orgs.members",
                                                   "table": [{"at_least": 10, "points": 5}]}, format="json")
    assert indicator.status_code == 201, indicator.content
    assert indicator.json()["method"] == "metric" and indicator.json()["table"] == [{"at_least": 10.0,
                                                                                    "points": 5.0}]
    response = county.post(f"/api/v1/schemes/{draft}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert Assessment.objects.filter(scheme_id=draft).count() == 2
    assert Assessment.objects.filter(scheme_id=draft, computed_at__isnull=False).count() == 2  # the job ran
    response = county.patch(f"/api/v1/schemes/{draft}/", {"name": "改"}, format="json")
    assert response.status_code == 400


def test_assessment_api_through_the_award(stars):
    s, scheme = stars, stars["scheme"]
    a = s["assessment"]
    response = api(s["village"]).post(f"/api/v1/assessments/{a.pk}/self-assess/", {"items": [
        {"indicator": ind(scheme, "班子建设").pk, "points": 60, "note": "见台账"},
        {"indicator": ind(scheme, "为民办事").pk, "points": 20}]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "review" and body["score"] == 80 and body["projected_stars"] == 2
    assert {"indicator", "points", "source", "note"} == set(body["items"][0])
    assert {i["source"] for i in body["items"]} == {"manual", "metric"}
    response = api(s["township"]).post("/api/v1/score-events/", {
        "assessment": a.pk, "indicator": ind(scheme, "班子建设").pk, "points": 5, "reason": "获表彰"}, format="json")
    assert response.status_code == 201 and response.json()["clipped"] and response.json()["applied"] == 0
    assert api(s["township"]).post(f"/api/v1/assessments/{a.pk}/review/", {}, format="json").status_code == 200
    county = api(s["county"])
    assert county.post(f"/api/v1/assessments/{a.pk}/approve/").json()["stars"] == 2
    body = county.post(f"/api/v1/assessments/{a.pk}/publicize/").json()
    assert body["status"] == "notice"
    objection = api(s["member"]).post(f"/api/v1/assessments/{a.pk}/object/", {"text": "评分偏高，请复核"},
                                      format="json")
    assert objection.status_code == 201
    response = county.post(f"/api/v1/assessments/{a.pk}/award/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "公示期" in str(response.json())
    answer = county.post(f"/api/v1/assessments/{a.pk}/answer/", {"objection": objection.json()["id"],
                                                                 "text": "经复核，评分无误"}, format="json")
    assert answer.status_code == 200
    Assessment.objects.filter(pk=a.pk).update(notice_until=datetime.date.today() - datetime.timedelta(days=1))
    body = county.post(f"/api/v1/assessments/{a.pk}/award/").json()
    assert body["status"] == "awarded"
    awards = county.get("/api/v1/star-awards/").json()
    assert awards["count"] == 1 and {"id", "org", "year", "stars", "certificate_no"} <= set(awards["results"][0])
    response = county.get(f"/api/v1/star-awards/{awards['results'][0]['id']}/certificate/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_certificate_pdf_has_the_chinese_text(stars):
    a = to_notice(stars, stars["assessment"], 班子建设=60, 为民办事=20)
    a = workflow.assessment_award(actor=stars["county"], assessment=a)
    response = page_client(stars["village"]).get(reverse("stars:certificate", args=[a.award.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    for expected in ("星级党组织证书", "中共云龙河村支部委员会", f"{YEAR}年度基层党组织星级评定", "二星级基层党组织",
                     a.award.certificate_no, "中共巴东县委组织部", "★★"):
        assert expected in text, (expected, text)
    assert b"http" not in response.content.split(b"stream")[0][:2000]  # no outside resource named


def test_pages_of_each_actor(stars):
    a = stars["assessment"]
    village = page_client(stars["village"]).get(reverse("stars:assessment_detail", args=[a.pk])).content.decode()
    assert f'name="points-{ind(stars["scheme"], "班子建设").pk}"' in village and "提交审核" in village
    assert "name=\"points-" + str(ind(stars["scheme"], "书记在岗").pk) not in village  # automatic: not typed
    township = page_client(stars["township"]).get(reverse("stars:assessment_detail", args=[a.pk])).content.decode()
    assert "提交审核" not in township and "记录加减分" in township
    client = page_client(stars["village"])
    response = client.post(reverse("stars:assessment_step", args=[a.pk, "self"]), {
        f"points-{ind(stars['scheme'], '班子建设').pk}": "99", "submit": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "self"  # refused: above the maximum, nothing changed
    client.post(reverse("stars:assessment_step", args=[a.pk, "self"]), {
        f"points-{ind(stars['scheme'], '班子建设').pk}": "50", "submit": "1"})
    a.refresh_from_db()
    assert a.status == "review" and a.score == 50


def test_star_map_counts_by_stars_and_movement(stars):
    a = self_assess(stars, stars["assessment"], 班子建设=60, 为民办事=20)
    Assessment.objects.filter(pk=a.pk).update(previous_stars=1)
    data = api(stars["county"]).get(f"/api/v1/stars/map/?org={stars['badong'].pk}&year={YEAR}").json()
    assert data == [{"org": stars["xinling"].pk, "name": stars["xinling"].name, "counts": [1, 0, 1, 0, 0, 0],
                     "total": 2, "three_plus_share": 0.0, "target": 30.0, "up": 1, "down": 0}]
    assert api(stars["users"]["xuanen_admin"]).get(f"/api/v1/stars/map/?org={stars['badong'].pk}").status_code == 404
    page = page_client(stars["township"]).get(reverse("stars:map") + f"?year={YEAR}").content.decode()
    assert "云龙河村" in page


@pytest.mark.parametrize("url", ["stars:assessment_list", "stars:scheme_list", "stars:map", "/api/v1/assessments/",
                                 "/api/v1/schemes/", "/api/v1/star-awards/", "/api/v1/score-events/",
                                 "/api/v1/indicators/"])
def test_lists_cost_a_fixed_number_of_queries(stars, url, django_assert_max_num_queries):
    for n in range(15):
        make_org(stars["xinling"], f"中共列表{n}村支部委员会", f"l-{n}", Level.VILLAGE, kind=Org.Kind.BRANCH)
    copy = services.scheme_copy(actor=stars["county"], scheme=stars["scheme"], year=YEAR + 1)
    services.scheme_publish(actor=stars["county"], scheme=copy)
    client = APIClient() if url.startswith("/") else Client()
    client.force_login(stars["county"])
    target = url if url.startswith("/") else reverse(url)
    with django_assert_max_num_queries(16):
        response = client.get(target)
    assert response.status_code == 200


def test_scheme_editor_pages(stars):
    client = page_client(stars["county"])
    response = client.post(reverse("stars:scheme_create"), {
        "name": "巴东县2014年度星级评定方案", "year": 2014, "levels": [Level.VILLAGE], "five": "95", "four": "90",
        "three": "85", "two": "80", "max_promotion": "1", "notice_days": "7", "targets": "2014 30\n2015 60"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    scheme = stars["scheme"].__class__.objects.get(year=2014)
    assert scheme.notice_days == 7 and scheme.targets == [{"year": 2014, "share": 30.0}, {"year": 2015, "share": 60.0}]
    response = client.post(reverse("stars:indicator_create", args=[scheme.pk]), {
        "category": "教育培训", "name": "党员人数", "max_points": "10", "method": "metric", "metric": "orgs.members",
        "table": "1 4\n10 10", "order": "1"})
    assert response.status_code == 302
    indicator = scheme.indicators.get()
    assert indicator.table == [{"at_least": 1.0, "points": 4.0}, {"at_least": 10.0, "points": 10.0}]
    response = client.post(reverse("stars:indicator_create", args=[scheme.pk]), {
        "category": "教育培训", "name": "超分", "max_points": "5", "method": "metric", "metric": "orgs.members",
        "table": "1 8"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "不能超过" in response.content.decode()
    response = client.post(reverse("stars:scheme_update", args=[scheme.pk]), {
        "name": "改", "levels": [Level.VILLAGE], "five": "80", "four": "90", "notice_days": "5"},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "递减" in response.content.decode()
    response = client.post(reverse("stars:scheme_action", args=[scheme.pk, "publish"]))
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    scheme.refresh_from_db()
    assert scheme.status == "published" and scheme.assessments.count() == 2
    response = client.get(reverse("stars:scheme_detail", args=[scheme.pk]))
    assert "生成新版本" in response.content.decode()
