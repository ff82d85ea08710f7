"""The REST API of organizations, people and positions: the pages' scope, roles and validation, masked personal
data, audited reveal, constant query counts, and clean refusals of bad input (400 in Chinese, nothing written)."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient

from dangjian.conftest import make_org, make_person, make_user, person_data
from dangjian.core.models import AuditEntry
from dangjian.orgs import services
from dangjian.orgs.models import Level, Org, Person, Position, Transfer

CJK = re.compile(r"[\u4e00-\u9fff]")
MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")


def client(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def jsonable(data):
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in data.items()}


def zh(msgid):
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def assert_refused(response, field, msgid=None):
    """400 with a Chinese message on `field` (the service's own message when `msgid` is given)."""
    assert response.status_code == 400, response.content
    messages = response.json()[field]
    assert messages and all(CJK.search(m) for m in messages), messages
    if msgid is not None:
        assert zh(msgid) in messages, messages


class Unchanged:
    """Counts rows of the given models and audit entries; asserts nothing was written in between."""

    def __init__(self, *models):
        self.models = (*models, AuditEntry)

    def __enter__(self):
        self.before = [m.objects.count() for m in self.models]
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            assert [m.objects.count() for m in self.models] == self.before


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def org_payload(parent, **overrides):
    data = {"parent": parent.pk, "name": "中共测试村支部委员会", "code": "T-0001", "level": parent.level + 1,
            "kind": "branch", "sector": "rural"}
    data.update(overrides)
    return data


@pytest.fixture
def people(tree):
    return {
        "wjt1": make_person(tree["wujiatai"]),
        "wjt2": make_person(tree["wujiatai"]),
        "b1": make_person(tree["wujiatai_b1"]),
        "yunlong": make_person(tree["yunlong"]),
    }


# --- authentication and the shape of lists -------------------------------------------------------------------

ENDPOINTS = ["/api/v1/orgs/", "/api/v1/people/", "/api/v1/positions/", "/api/v1/users/", "/api/v1/me/"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_is_refused(db, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_lists_are_paginated(users):
    response = client(users["xuanen_admin"]).get("/api/v1/orgs/", {"page_size": 2})
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"] and body["previous"] is None


def test_session_user_who_must_change_password_is_refused(tree):
    user = make_user(tree["xuanen"], "org_dept", "newcomer", must_change_password=True)
    api = APIClient()
    api.force_login(user)
    response = api.get("/api/v1/orgs/")
    assert response.status_code == 403
    assert CJK.search(response.json()["detail"])
    user.must_change_password = False
    user.save()
    assert api.get("/api/v1/orgs/").status_code == 200


# --- organizations: scope and roles ----------------------------------------------------------------------------


def test_org_list_is_scoped(users, tree):
    got = ids(client(users["wanzhai"]).get("/api/v1/orgs/"))
    assert got == {tree["wanzhai"].pk, tree["wujiatai"].pk, tree["wujiatai_b1"].pk}
    assert client(users["member"]).get("/api/v1/orgs/").json()["count"] == 0


def test_org_filters_parent_and_q(users, tree):
    api = client(users["xuanen_admin"])
    assert ids(api.get("/api/v1/orgs/", {"parent": tree["xuanen"].pk})) == {tree["wanzhai"].pk, tree["xiaohe"].pk}
    assert ids(api.get("/api/v1/orgs/", {"q": "伍家台"})) == {tree["wujiatai"].pk, tree["wujiatai_b1"].pk}
    assert ids(api.get("/api/v1/orgs/", {"q": "zgwz"})) == {tree["wanzhai"].pk}
    # A parent outside the scope filters to nothing rather than revealing its children.
    assert api.get("/api/v1/orgs/", {"parent": tree["badong"].pk}).json()["count"] == 0
    assert api.get("/api/v1/orgs/", {"q": "信陵"}).json()["count"] == 0


def test_org_detail(users, tree):
    body = client(users["wanzhai"]).get(f"/api/v1/orgs/{tree['wujiatai'].pk}/").json()
    assert body["name"] == "中共伍家台村支部委员会" and body["parent"] == tree["wanzhai"].pk
    assert body["level"] == Level.VILLAGE and CJK.search(body["level_display"])


OUT_OF_SCOPE_ORG_CALLS = [
    ("get", "{}/"), ("put", "{}/"), ("patch", "{}/"), ("delete", "{}/"), ("post", "{}/move/"),
    ("post", "{}/deactivate/"), ("post", "{}/reactivate/"), ("get", "{}/children/"),
]


@pytest.mark.parametrize(("method", "path"), OUT_OF_SCOPE_ORG_CALLS)
@pytest.mark.parametrize("who", ["wanzhai", "leader"])
def test_org_outside_scope_answers_404(users, tree, who, method, path):
    """Another county's organization does not exist for them, whether they could write or not."""
    api = client(users[who])
    with Unchanged(Org):
        for pk in (tree["xinling"].pk, 999999, "abc"):
            response = getattr(api, method)("/api/v1/orgs/" + path.format(pk), {"parent": tree["wanzhai"].pk},
                                             format="json")
            assert response.status_code == 404, (pk, response.content)


@pytest.mark.parametrize(("method", "path"), [c for c in OUT_OF_SCOPE_ORG_CALLS if c[0] != "get"])
def test_read_only_role_gets_403_on_org_writes(users, tree, method, path):
    api = client(users["leader"])
    assert api.get(f"/api/v1/orgs/{tree['wanzhai'].pk}/").status_code == 200
    with Unchanged(Org):
        response = getattr(api, method)("/api/v1/orgs/" + path.format(tree["wanzhai"].pk),
                                        {"parent": tree["xiaohe"].pk}, format="json")
        assert response.status_code == 403
        response = api.post("/api/v1/orgs/", org_payload(tree["wanzhai"]), format="json")
        assert response.status_code == 403


def test_secretary_may_not_edit_organizations(users, tree):
    response = client(users["wujiatai"]).patch(f"/api/v1/orgs/{tree['wujiatai'].pk}/", {"name": "x"},
                                               format="json")
    assert response.status_code == 403


# --- organizations: writes ----------------------------------------------------------------------------------


def test_create_org(users, tree):
    api = client(users["badong_admin"])
    response = api.post("/api/v1/orgs/", org_payload(tree["yunlong"], name="云龙河村第二党支部", code="X-2"),
                        format="json")
    assert response.status_code == 201, response.content
    org = Org.objects.get(code="X-2")
    assert response.json()["id"] == org.pk
    assert org.parent == tree["yunlong"] and org.path.startswith(tree["yunlong"].path)
    assert org.county_id == tree["badong"].pk
    entry = AuditEntry.objects.filter(action="org.create").latest("seq")
    assert entry.object_id == str(org.pk) and entry.actor_id == users["badong_admin"].pk


def test_create_org_under_parent_outside_scope_is_404(users, tree):
    with Unchanged(Org):
        response = client(users["wanzhai"]).post("/api/v1/orgs/", org_payload(tree["yunlong"]), format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        ({"code": "422823100201"}, "code", None),  # duplicate organization code (Django's unique message)
        ({"level": Level.VILLAGE}, "level", None),  # not below the parent's level
        ({"term_start": "2024-01-01", "term_end": "2023-01-01"}, "term_end", "The term must end after it starts."),
        ({"level": 9}, "level", None),
        ({"name": ""}, "name", None),
    ],
)
def test_create_org_refusals(users, tree, overrides, field, msgid):
    with Unchanged(Org):
        response = client(users["badong_admin"]).post("/api/v1/orgs/", org_payload(tree["yunlong"], **overrides),
                                                      format="json")
    assert_refused(response, field, msgid)


def test_update_org(users, tree):
    api = client(users["xuanen_admin"])
    url = f"/api/v1/orgs/{tree['wujiatai'].pk}/"
    response = api.patch(url, {"name": "中共伍家台村委员会", "term_start": "2021-10-01", "term_end": "2026-10-01"},
                         format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "中共伍家台村委员会"
    tree["wujiatai"].refresh_from_db()
    assert tree["wujiatai"].pinyin_initials.startswith("zgwjtc")
    assert AuditEntry.objects.filter(action="org.update", object_id=str(tree["wujiatai"].pk)).exists()
    # The term rule also holds against the recorded value on a partial update.
    with Unchanged(Org):
        assert_refused(api.patch(url, {"term_end": "2020-01-01"}, format="json"), "term_end",
                       "The term must end after it starts.")
        assert_refused(api.patch(f"/api/v1/orgs/{tree['wanzhai'].pk}/", {"code": "422825"}, format="json"), "code")
        # The level of an organization with sub-organizations cannot change.
        assert_refused(api.patch(f"/api/v1/orgs/{tree['wujiatai'].pk}/", {"level": 6}, format="json"), "level")
    full = {"name": "中共万寨乡委员会", "code": "422825203", "level": 4, "kind": "committee", "sector": "leadership"}
    assert api.put(f"/api/v1/orgs/{tree['wanzhai'].pk}/", full, format="json").status_code == 200
    incomplete = {"name": "中共万寨乡委员会"}
    assert_refused(api.put(f"/api/v1/orgs/{tree['wanzhai'].pk}/", incomplete, format="json"), "code")


def test_move_org(users, tree):
    api = client(users["xuanen_admin"])
    person = make_person(tree["wujiatai_b1"])
    response = api.post(f"/api/v1/orgs/{tree['wujiatai'].pk}/move/", {"parent": tree["xiaohe"].pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == tree["xiaohe"].pk
    person.refresh_from_db()
    assert person.township_id == tree["xiaohe"].pk
    assert ids(api.get(f"/api/v1/orgs/{tree['xiaohe'].pk}/children/")) == {tree["wujiatai"].pk}
    assert AuditEntry.objects.filter(action="org.move").exists()


def test_move_refusals(users, tree):
    api = client(users["xuanen_admin"])
    url = f"/api/v1/orgs/{tree['wanzhai'].pk}/move/"
    with Unchanged(Org):
        assert_refused(api.post(url, {"parent": tree["wujiatai"].pk}, format="json"), "parent",
                       "An organization cannot be moved under itself or its own sub-organization.")
        assert_refused(api.post(url, {"parent": tree["wujiatai_b1"].pk}, format="json"), "parent")
        assert_refused(api.post(url, {}, format="json"), "parent")
        # The level rule: a township cannot go under another township.
        assert_refused(api.post(url, {"parent": tree["xiaohe"].pk}, format="json"), "level")
        # A new parent outside the scope does not exist.
        assert api.post(url, {"parent": tree["xinling"].pk}, format="json").status_code == 404
    wanzhai_path = Org.objects.get(pk=tree["wanzhai"].pk).path
    assert Org.objects.get(pk=tree["wujiatai_b1"].pk).path.startswith(wanzhai_path)


def test_deactivate_reactivate_delete(users, tree):
    api = client(users["xuanen_admin"])
    make_person(tree["wujiatai_b1"])
    with Unchanged(Org):
        # Still has members / active children / is the caller's own organization.
        assert_refused(api.post(f"/api/v1/orgs/{tree['wujiatai_b1'].pk}/deactivate/"), "non_field_errors")
        assert_refused(api.post(f"/api/v1/orgs/{tree['wanzhai'].pk}/deactivate/"), "non_field_errors")
        assert_refused(api.post(f"/api/v1/orgs/{tree['xuanen'].pk}/deactivate/"), "non_field_errors")
        assert_refused(api.delete(f"/api/v1/orgs/{tree['wujiatai'].pk}/"), "non_field_errors")
    response = api.post(f"/api/v1/orgs/{tree['xiaohe'].pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert ids(api.get("/api/v1/orgs/", {"is_active": "false"})) == {tree["xiaohe"].pk}
    response = api.post(f"/api/v1/orgs/{tree['xiaohe'].pk}/reactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is True
    with Unchanged(Org):  # an account belongs to it
        assert_refused(api.delete(f"/api/v1/orgs/{tree['xiaohe'].pk}/"), "non_field_errors")
    mistake = make_org(tree["xiaohe"], "误建的村", "MISTAKE", Level.VILLAGE, kind=Org.Kind.BRANCH)
    assert api.delete(f"/api/v1/orgs/{mistake.pk}/").status_code == 204
    assert not Org.objects.filter(pk=mistake.pk).exists()
    assert AuditEntry.objects.filter(action="org.delete").exists()


def test_children_are_paginated_and_filtered(users, tree):
    api = client(users["zhou_admin"])
    body = api.get(f"/api/v1/orgs/{tree['zhou'].pk}/children/", {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]
    assert ids(api.get(f"/api/v1/orgs/{tree['zhou'].pk}/children/", {"q": "巴东"})) == {tree["badong"].pk}


# --- bad requests -----------------------------------------------------------------------------------------------


def test_malformed_json_is_a_clear_400(users):
    with Unchanged(Org):
        response = client(users["zhou_admin"]).post("/api/v1/orgs/", data='{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == zh("The request body is not valid JSON.")
    assert CJK.search(response.json()["detail"])


def test_oversized_body_is_413(users, tree):
    body = json.dumps(org_payload(tree["badong"], name="x" * (3 * 1024 * 1024)))
    with Unchanged(Org):
        response = client(users["zhou_admin"]).post("/api/v1/orgs/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert CJK.search(response.content.decode())


# --- people -------------------------------------------------------------------------------------------------


def test_people_list_is_scoped_and_masked(users, tree, people):
    response = client(users["wanzhai"]).get("/api/v1/people/")
    assert ids(response) == {people["wjt1"].pk, people["wjt2"].pk, people["b1"].pk}
    content = response.content.decode()
    for row in response.json()["results"]:
        assert MASKED_ID.match(row["id_number"]) and MASKED_PHONE.match(row["phone"])
        person = Person.objects.get(pk=row["id"])
        assert row["id_number"] == Person._meta.get_field("id_number").masked(person.id_number)
        assert person.id_number not in content and person.phone not in content
    assert client(users["sysadmin"]).get("/api/v1/people/").json()["count"] == 0  # 三员分立: no member data


def test_person_detail_is_masked_and_has_transfers(users, tree, people):
    person = people["wjt1"]
    services.person_transfer(actor=users["xuanen_admin"], person=person, to_org=tree["wujiatai_b1"],
                             transferred_on=timezone.localdate(), reason="调整支部")
    response = client(users["wanzhai"]).get(f"/api/v1/people/{person.pk}/")
    body = response.json()
    assert MASKED_ID.match(body["id_number"]) and MASKED_PHONE.match(body["phone"])
    assert person.id_number not in response.content.decode()
    assert body["org"]["id"] == tree["wujiatai_b1"].pk
    assert [(t["from_org"]["id"], t["to_org"]["id"]) for t in body["transfers"]] == [
        (tree["wujiatai"].pk, tree["wujiatai_b1"].pk)]


def test_people_filters(users, tree, people):
    api = client(users["xuanen_admin"])
    assert ids(api.get("/api/v1/people/", {"org": tree["wujiatai_b1"].pk})) == {people["b1"].pk}
    assert ids(api.get("/api/v1/people/", {"q": people["b1"].name})) >= {people["b1"].pk}
    assert ids(api.get("/api/v1/people/", {"q": people["b1"].pinyin_initials})) >= {people["b1"].pk}
    # An organization outside the scope is not a valid filter value.
    assert api.get("/api/v1/people/", {"org": tree["yunlong"].pk}).status_code == 400


@pytest.mark.parametrize(("method", "path"), [
    ("get", "{}/"), ("put", "{}/"), ("patch", "{}/"), ("post", "{}/reveal/"), ("post", "{}/transfer/"),
])
def test_person_outside_scope_answers_404(users, tree, people, method, path):
    for who in ("wanzhai", "zhou_admin"):
        pk = people["yunlong"].pk if who == "wanzhai" else 999999
        with Unchanged(Person, Transfer):
            response = getattr(client(users[who]), method)(
                "/api/v1/people/" + path.format(pk), {"field": "id_number", "name": "x"}, format="json")
        assert response.status_code == 404


def test_people_cannot_be_deleted(users, people):
    assert client(users["zhou_admin"]).delete(f"/api/v1/people/{people['wjt1'].pk}/").status_code == 405


def test_read_only_role_gets_403_on_people_writes(users, tree, people):
    api = client(users["leader"])
    url = f"/api/v1/people/{people['wjt1'].pk}/"
    assert api.get(url).status_code == 200
    with Unchanged(Person, Transfer, Position):
        assert api.patch(url, {"name": "改名"}, format="json").status_code == 403
        assert api.post(url + "transfer/", {"to_org": tree["xiaohe"].pk, "transferred_on": "2024-01-01"},
                        format="json").status_code == 403
        payload = {"org": tree["wujiatai"].pk, **jsonable(person_data())}
        assert api.post("/api/v1/people/", payload, format="json").status_code == 403
        assert api.post("/api/v1/positions/", {"person": people["wjt1"].pk, "org": tree["wujiatai"].pk,
                                               "title": "secretary", "start_date": "2024-01-01"},
                        format="json").status_code == 403


def test_create_person(users, tree):
    data = jsonable(person_data())
    response = client(users["wujiatai"]).post("/api/v1/people/", {"org": tree["wujiatai"].pk, **data}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.id_number == data["id_number"] and person.village_id == tree["wujiatai"].pk
    assert body["id_number"] == data["id_number"][:4] + "*" * 10 + data["id_number"][-4:]
    assert body["phone"] == data["phone"][:3] + "****" + data["phone"][-4:]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM orgs_person WHERE id = %s", [person.pk])
        raw = cursor.fetchone()
    assert data["id_number"] not in raw[0] and data["phone"] not in raw[1]
    entry = AuditEntry.objects.filter(action="person.create").latest("seq")
    assert data["id_number"] not in json.dumps(entry.after, ensure_ascii=False)


def _bad_check_digit(id_number):
    return id_number[:17] + ("0" if id_number[17] != "0" else "1")


@pytest.mark.parametrize(
    ("change", "field", "msgid"),
    [
        (lambda d: {"id_number": _bad_check_digit(d["id_number"])}, "id_number",
         "The check digit of this ID number is wrong; please check the number."),
        (lambda d: {"joined_on": (d["birth_date"] - datetime.timedelta(days=1)).isoformat()}, "joined_on",
         "The birth date is after the date joined the party."),
        (lambda d: {"birth_date": (d["birth_date"] + datetime.timedelta(days=1)).isoformat()}, "birth_date",
         "The birth date does not match the ID number."),
        (lambda d: {"phone": "12345678901"}, "phone", "A mobile number has 11 digits and starts with 13 to 19."),
        (lambda d: {"category": "probationary"}, "full_member_on",
         "A probationary member has no date of full membership yet."),
        (lambda d: {"id_number": ""}, "id_number", None),
        (lambda d: {"gender": "X"}, "gender", None),
        (lambda d: {"birth_date": "2001-02-30"}, "birth_date", None),
    ],
)
def test_create_person_refusals(users, tree, change, field, msgid):
    data = person_data()
    payload = {"org": tree["wujiatai"].pk, **jsonable(data), **change(data)}
    with Unchanged(Person):
        response = client(users["wanzhai"]).post("/api/v1/people/", payload, format="json")
    assert_refused(response, field, msgid)


def test_duplicate_id_number_refused(users, tree, people):
    data = person_data(id_number=people["wjt1"].id_number, birth_date=people["wjt1"].birth_date,
                       male=people["wjt1"].gender == "M")
    count = Person.objects.count()
    response = client(users["wanzhai"]).post("/api/v1/people/", {"org": tree["wujiatai"].pk, **jsonable(data)},
                                             format="json")
    assert_refused(response, "id_number")
    assert Person.objects.count() == count  # nothing written but the refusal's audit entry
    assert AuditEntry.objects.filter(action="person.duplicate_id", outcome="refused").count() == 1


def test_create_person_in_org_outside_scope_is_404(users, tree):
    with Unchanged(Person):
        response = client(users["wanzhai"]).post("/api/v1/people/", {"org": tree["yunlong"].pk,
                                                                     **jsonable(person_data())}, format="json")
    assert response.status_code == 404


def test_update_person(users, people):
    person = people["wjt1"]
    api = client(users["wanzhai"])
    url = f"/api/v1/people/{person.pk}/"
    original_id, original_phone = person.id_number, person.phone
    masked = api.get(url).json()
    # Sending back what a GET returned (masked numbers) or empty numbers keeps the recorded values.
    response = api.patch(url, {"name": "向明华", "id_number": masked["id_number"], "phone": ""}, format="json")
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.name, person.id_number, person.phone) == ("向明华", original_id, original_phone)
    assert person.pinyin_initials == "xmh"
    assert api.patch(url, {"phone": "13912345678"}, format="json").status_code == 200
    person.refresh_from_db()
    assert person.phone == "13912345678"
    with Unchanged(Person):
        assert_refused(api.patch(url, {"id_number": _bad_check_digit(original_id)}, format="json"), "id_number")
        assert_refused(api.patch(url, {"full_member_on": None}, format="json"), "full_member_on")
        assert_refused(api.patch(url, {"status": "unknown"}, format="json"), "status")
    assert AuditEntry.objects.filter(action="person.update", object_id=str(person.pk)).count() == 2


def test_reveal_by_org_department_is_audited(users, people):
    person = people["wjt1"]
    response = client(users["xuanen_admin"]).post(f"/api/v1/people/{person.pk}/reveal/", {"field": "id_number"},
                                                  format="json")
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": person.id_number}
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.filter(action="person.reveal").latest("seq")
    assert entry.outcome == "success" and entry.actor_id == users["xuanen_admin"].pk
    assert entry.object_id == str(person.pk) and entry.after == {"field": "id_number"}
    response = client(users["zhou_admin"]).post(f"/api/v1/people/{person.pk}/reveal/", {"field": "phone"},
                                                format="json")
    assert response.json()["value"] == person.phone


@pytest.mark.parametrize("who", ["wanzhai", "wujiatai", "leader"])
def test_reveal_forbidden_for_other_roles(users, people, who):
    person = people["wjt1"]
    response = client(users[who]).post(f"/api/v1/people/{person.pk}/reveal/", {"field": "id_number"},
                                       format="json")
    assert response.status_code == 403
    assert person.id_number not in response.content.decode()
    assert CJK.search(response.json()["detail"])
    entry = AuditEntry.objects.filter(action="person.reveal").latest("seq")
    assert entry.outcome == "denied" and entry.actor_id == users[who].pk


def test_reveal_of_an_unknown_field_is_refused(users, people):
    response = client(users["zhou_admin"]).post(f"/api/v1/people/{people['wjt1'].pk}/reveal/", {"field": "name"},
                                                format="json")
    assert_refused(response, "field")


def test_transfer(users, tree, people):
    person = people["wjt1"]
    services.position_appoint(actor=users["xuanen_admin"], person=person, org=tree["wujiatai"], title="secretary",
                              start_date=datetime.date(2020, 1, 1))
    api = client(users["xuanen_admin"])
    url = f"/api/v1/people/{person.pk}/transfer/"
    today = timezone.localdate().isoformat()
    response = api.post(url, {"to_org": tree["xiaohe"].pk, "transferred_on": today, "reason": "工作调动"},
                        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["from_org"]["id"] == tree["wujiatai"].pk and body["to_org"]["id"] == tree["xiaohe"].pk
    person.refresh_from_db()
    assert person.org_id == tree["xiaohe"].pk and person.township_id == tree["xiaohe"].pk
    assert not Position.objects.filter(person=person, end_date__isnull=True).exists()
    # The township that lost the person no longer sees them.
    assert client(users["wanzhai"]).get(f"/api/v1/people/{person.pk}/").status_code == 404


def test_transfer_refusals(users, tree, people):
    api = client(users["wanzhai"])
    url = f"/api/v1/people/{people['wjt1'].pk}/transfer/"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    with Unchanged(Transfer, Person):
        # Any active organization of the platform is a destination; a missing id answers 404.
        assert api.post(url, {"to_org": 999999, "transferred_on": "2024-01-01"},
                        format="json").status_code == 404
        assert_refused(api.post(url, {"to_org": tree["wujiatai_b1"].pk, "transferred_on": tomorrow}, format="json"),
                       "transferred_on", "The transfer date cannot be in the future.")
        assert_refused(api.post(url, {"to_org": tree["wujiatai"].pk, "transferred_on": "2024-01-01"},
                                format="json"), "to_org", "The person already belongs to this organization.")
        assert_refused(api.post(url, {"to_org": tree["wujiatai_b1"].pk}, format="json"), "transferred_on")


# --- positions --------------------------------------------------------------------------------------------


def test_appoint_and_end_positions(users, tree, people):
    api = client(users["wanzhai"])
    payload = {"person": people["wjt1"].pk, "org": tree["wujiatai"].pk, "title": "secretary",
               "start_date": "2021-10-01"}
    response = api.post("/api/v1/positions/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"] == {"id": people["wjt1"].pk, "name": people["wjt1"].name}
    assert body["is_current"] is True and CJK.search(body["title_display"])
    # A second current 书记 for the same organization is refused.
    with Unchanged(Position):
        response = api.post("/api/v1/positions/", {**payload, "person": people["wjt2"].pk}, format="json")
    assert_refused(response, "title")
    assert people["wjt1"].name in response.json()["title"][0]
    assert ids(api.get("/api/v1/positions/", {"org": tree["wujiatai"].pk, "current": "true"})) == {body["id"]}

    url = f"/api/v1/positions/{body['id']}/end/"
    with Unchanged(Position):
        assert_refused(api.post(url, {"end_date": "2020-01-01"}, format="json"), "end_date",
                       "The end date cannot be before the start date.")
        assert_refused(api.post(url, {}, format="json"), "end_date")
    response = api.post(url, {"end_date": "2023-10-01"}, format="json")
    assert response.status_code == 200 and response.json()["is_current"] is False
    with Unchanged(Position):
        assert_refused(api.post(url, {"end_date": "2023-10-02"}, format="json"), "end_date",
                       "This post has already ended.")
    assert api.post("/api/v1/positions/", {**payload, "person": people["wjt2"].pk}, format="json").status_code == 201


def test_positions_scope(users, tree, people):
    outside = services.position_appoint(actor=users["badong_admin"], person=people["yunlong"], org=tree["yunlong"],
                                        title="secretary", start_date=datetime.date(2021, 1, 1))
    api = client(users["wanzhai"])
    assert api.get("/api/v1/positions/").json()["count"] == 0
    assert api.get(f"/api/v1/positions/{outside.pk}/").status_code == 404
    with Unchanged(Position):
        assert api.post(f"/api/v1/positions/{outside.pk}/end/", {"end_date": "2023-01-01"},
                        format="json").status_code == 404
        for person, org in ((people["yunlong"], tree["wujiatai"]), (people["wjt1"], tree["yunlong"])):
            response = api.post("/api/v1/positions/", {"person": person.pk, "org": org.pk, "title": "member",
                                                       "start_date": "2021-01-01"}, format="json")
            assert response.status_code == 404
    leader = client(users["leader"])
    own = services.position_appoint(actor=users["xuanen_admin"], person=people["wjt1"], org=tree["wujiatai"],
                                    title="member", start_date=datetime.date(2021, 1, 1))
    assert leader.get(f"/api/v1/positions/{own.pk}/").status_code == 200
    assert leader.post(f"/api/v1/positions/{own.pk}/end/", {"end_date": "2023-01-01"}, format="json").status_code \
        == 403


# --- query counts -------------------------------------------------------------------------------------------


def _queries(api, url, params):
    api.get(url, params)  # warm-up: the caller's organization is loaded once per user object
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def _add_orgs(parent, n, start):
    for i in range(start, start + n):
        make_org(parent, f"测试支部{i}", f"QC-{i}", Level.BRANCH, kind=Org.Kind.BRANCH)


def _add_people(org, n):
    return [make_person(org) for _ in range(n)]


def _add_positions(org, people):
    for person in people:
        position = Position(person=person, title="member", start_date=datetime.date(2020, 1, 1))
        position.set_org(org)
        position.save()


@pytest.mark.parametrize("resource", ["orgs", "people", "positions"])
def test_list_query_count_does_not_grow_with_rows(users, tree, resource):
    api = client(users["xuanen_admin"])
    url, params = f"/api/v1/{resource}/", {"page_size": 100}
    org = tree["wujiatai"]
    if resource == "orgs":
        params["parent"] = org.pk
        _add_orgs(org, 4, 0)
    elif resource == "people":
        _add_people(org, 5)
    else:
        _add_positions(org, _add_people(org, 5))
    small, count_small = _queries(api, url, params)
    if resource == "orgs":
        _add_orgs(org, 45, 100)
    elif resource == "people":
        _add_people(org, 45)
    else:
        _add_positions(org, _add_people(org, 45))
    large, count_large = _queries(api, url, params)
    assert (count_small, count_large) == (5, 50)
    assert small == large, (small, large)
