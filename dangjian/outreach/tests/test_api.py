"""The API contract of 三进三帮 (paths, fields, status values, actions), its refusals, and the summary equal to the
lists behind it."""

import datetime

import pytest
from rest_framework.test import APIClient

from dangjian.core.models import AuditEntry
from dangjian.outreach.models import Beneficiary, HelpCase

from .conftest import id_number

pytestmark = pytest.mark.django_db
D = datetime.date


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_visit_fields_and_create(tree, users):
    api = client(users["wanzhai"])
    response = api.post("/api/v1/visits/", {"kind": "village", "org": tree["wujiatai"].pk, "whom": "张家",
                                            "findings": "饮水困难"}, format="json")
    assert response.status_code == 201
    assert set(response.json()) >= {"id", "kind", "org", "visited_on", "whom", "findings"}
    assert response.json()["visited_on"] == datetime.date.today().isoformat()
    assert api.post("/api/v1/visits/", {"kind": "village", "org": tree["yunlong"].pk, "whom": "x",
                                        "findings": "y"}, format="json").status_code == 404


def test_beneficiary_masked_and_sensitive_details_need_clearance(tree, users, make_beneficiary):
    b = make_beneficiary(id_number=id_number(5), phone="13907181111", sensitivity="health",
                         sensitive_details="慢性病")
    body = client(users["xuanen_admin"]).get(f"/api/v1/beneficiaries/{b.pk}/").json()
    assert set(body) >= {"id", "kind", "name", "id_number", "household_size", "org"}
    assert body["id_number"] == id_number(5)[:4] + "**********" + id_number(5)[-4:]
    assert body["phone"] == "139****1111" and body["sensitive_details"] == "慢性病"
    leader = client(users["leader"]).get(f"/api/v1/beneficiaries/{b.pk}/").json()
    assert leader["sensitive_details"] is None and leader["sensitivity"] == "health"
    assert client(users["badong_admin"]).get(f"/api/v1/beneficiaries/{b.pk}/").status_code == 404


def test_duplicate_id_number_in_scope_names_the_existing_one_outside_nothing(tree, users, make_beneficiary):
    make_beneficiary(id_number=id_number(6), name="刘老汉")
    data = {"kind": "person", "name": "刘某", "id_number": id_number(6)}
    inside = client(users["wanzhai"]).post("/api/v1/beneficiaries/", {**data, "org": tree["wujiatai"].pk},
                                           format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert inside.status_code == 400 and "刘老汉" in inside.json()["id_number"][0]
    outside = client(users["badong_admin"]).post("/api/v1/beneficiaries/", {**data, "org": tree["yunlong"].pk},
                                                 format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert outside.status_code == 400 and "刘老汉" not in str(outside.json())
    assert outside.json()["id_number"] == ["该身份证号已登记，请联系上级组织部门。"]
    assert Beneficiary.objects.count() == 1
    assert AuditEntry.objects.filter(action="beneficiary.duplicate_id").count() == 2


def test_household_size_below_one(tree, users):
    response = client(users["wanzhai"]).post("/api/v1/beneficiaries/", {
        "kind": "household", "name": "张家", "household_size": 0, "org": tree["wujiatai"].pk}, format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "household_size" in response.json()
    assert Beneficiary.objects.count() == 0


def test_case_workflow_through_the_actions(tree, users, make_beneficiary):
    b = make_beneficiary()
    api = client(users["wanzhai"])
    created = api.post("/api/v1/help-cases/", {"kind": "hardship", "beneficiary": b.pk, "problem": "缺水"},
                       format="json")
    assert created.status_code == 201
    case = created.json()
    assert set(case) >= {"id", "kind", "beneficiary", "org", "visit", "problem", "helpers", "status", "resolution",
                         "resolved_on", "satisfaction"}
    assert case["status"] == "open" and case["org"] == tree["wujiatai"].pk
    url = f"/api/v1/help-cases/{case['id']}/"
    early = api.post(url + "return-visit/", {"satisfaction": "satisfied"}, format="json",
                     HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert early.status_code == 400
    empty = api.post(url + "resolve/", {"resolution": ""}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert empty.status_code == 400 and "resolution" in empty.json()
    assert HelpCase.objects.get().status == "open"
    assert api.post(url + "resolve/", {"resolution": "接通自来水"}, format="json").json()["status"] == "resolved"
    assert api.post(url + "return-visit/", {"satisfaction": "basically", "note": "基本满意"},
                    format="json").json()["status"] == "closed"
    reopened = api.post(url + "reopen/", {"reason": "又停水了"}, format="json").json()
    assert reopened["status"] == "reopened" and reopened["resolved_on"] is None
    assert client(users["badong_admin"]).post(url + "resolve/", {"resolution": "x"},
                                              format="json").status_code == 404
    assert client(users["leader"]).post(url + "resolve/", {"resolution": "x"}, format="json").status_code == 403


def test_help_case_for_a_beneficiary_outside_scope_is_not_found(tree, users, make_beneficiary):
    b = make_beneficiary()
    response = client(users["badong_admin"]).post("/api/v1/help-cases/", {
        "kind": "hardship", "beneficiary": b.pk, "problem": "x"}, format="json")
    assert response.status_code == 404 and HelpCase.objects.count() == 0


def _solved(make_case, users, beneficiary, day):
    from dangjian.outreach import services

    case = make_case(beneficiary, opened_on=day)
    return services.case_resolve(actor=users["wanzhai"], case=case, resolution="已解决", resolved_on=day)


def test_summary_equals_the_lists_behind_it(tree, users, make_beneficiary, make_case):
    household = make_beneficiary(kind="household", name="张家", household_size=3)
    person = make_beneficiary(name="李四")
    for day in (D(2012, 2, 1), D(2012, 6, 1)):
        _solved(make_case, users, household, day)
    _solved(make_case, users, person, D(2012, 7, 1))
    _solved(make_case, users, person, D(2013, 7, 1))
    make_case(person, opened_on=D(2012, 8, 1))
    api = client(users["xuanen_admin"])
    for org, start, end in ((None, "2012-01-01", "2012-12-31"), (tree["wanzhai"].pk, "2012-01-01", "2012-12-31"),
                            (None, "2012-03-01", "2013-12-31")):
        query = {"from": start, "to": end, **({"org": org} if org else {})}
        body = api.get("/api/v1/outreach/summary/", query).json()
        people = api.get(body["lists"]["people_helped"]).json()
        assert people["people"] == body["people_helped"]
        assert api.get(body["lists"]["problems_solved"]).json()["count"] == body["problems_solved"]
        assert api.get(body["lists"]["cases_open"]).json()["count"] == body["cases_open"]
    body = api.get("/api/v1/outreach/summary/", {"from": "2012-01-01", "to": "2012-12-31"}).json()
    assert (body["people_helped"], body["problems_solved"], body["cases_open"]) == (4, 3, 1)
    assert set(body["visits"]) == {"village", "community", "enterprise"}
    assert api.get("/api/v1/outreach/summary/", {"from": "2012-03-01", "to": "2013-12-31"}).json()[
        "people_helped"] == 4
    bad = api.get("/api/v1/outreach/summary/", {"from": "2012-13-01"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and "from" in bad.json()
    assert api.get("/api/v1/outreach/summary/", {"from": "2013-01-01", "to": "2012-01-01"}).status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/visits/", "/api/v1/beneficiaries/", "/api/v1/help-cases/"])
def test_api_lists_have_a_fixed_query_count(path, tree, users, make_beneficiary, make_case,
                                            django_assert_max_num_queries):
    from dangjian.outreach import services

    for i in range(6):
        b = make_beneficiary(name=f"对象{i}")
        services.visit_create(actor=users["wanzhai"], org=tree["wujiatai"], kind="village", whom=b.name,
                              findings="x")
        make_case(b, helpers=[])
    api = client(users["xuanen_admin"])
    with django_assert_max_num_queries(8):
        assert api.get(path, {"org": tree["wanzhai"].pk}).status_code == 200
