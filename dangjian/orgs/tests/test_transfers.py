"""组织关系转接 across the installation: the directory, pending transfers, accept / return / withdraw, transfers out
of the platform with their numbered 介绍信 — every rule with its refusal (nothing changes) and its success."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.conftest import make_person
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import AuditEntry
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.orgs import services, transfers
from dangjian.orgs.models import Person, Position, Transfer, TransferLetterCounter
from dangjian.orgs.selectors import transfers as transfer_selectors
from dangjian.orgs.tests.test_api import CJK, Unchanged, assert_refused, client

TODAY = timezone.localdate()


def _state():
    return (
        sorted(Person.objects.values_list("id", "org_id", "county_id", "township_id", "village_id", "status")),
        sorted(Position.objects.values_list("id", "end_date")),
        sorted(Transfer.objects.values_list("id", "status", "return_reason", "decided_by")),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def member(tree, users):
    """A member of 巴东县's 云龙河村 holding its 书记 post."""
    person = make_person(tree["yunlong"], name="转接测试员")
    services.position_appoint(actor=users["badong_admin"], person=person, org=tree["yunlong"], title="secretary",
                              start_date=datetime.date(2020, 5, 1))
    return person


def _send(users, tree, member, **kw):
    return services.person_transfer(actor=users["badong_admin"], person=member, to_org=tree["wujiatai"],
                                    transferred_on=TODAY, reason="工作调动", **kw)


# --- the directory -----------------------------------------------------------------------------------------


def test_directory_is_installation_wide_names_only(tree, users, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        found = transfer_selectors.org_directory("伍家台")
    village = next(o for o in found if o.name == "中共伍家台村支部委员会")
    assert village.path_names == ["中共恩施州委", "中共宣恩县委", "中共万寨乡委员会"]
    assert transfer_selectors.org_directory("伍") == []  # fewer than two characters
    services.org_deactivate(actor=users["xuanen_admin"], org=tree["wujiatai_b1"])
    assert "伍家台村第一党支部" not in [o.name for o in transfer_selectors.org_directory("伍家台")]


def test_directory_api(tree, users):
    api = client(users["badong_admin"])  # outside 宣恩县, still finds it: names only
    response = api.get("/api/v1/org-directory/", {"q": "wjt"})
    assert response.status_code == 200
    rows = response.json()
    assert rows and set(rows[0]) == {"id", "name", "path_names"}
    assert "中共伍家台村支部委员会" in [r["name"] for r in rows]
    assert_refused(api.get("/api/v1/org-directory/", {"q": "w"}), "q")
    assert_refused(api.get("/api/v1/org-directory/"), "q")
    assert client(users["leader"]).get("/api/v1/org-directory/", {"q": "wjt"}).status_code == 403
    assert client().get("/api/v1/org-directory/", {"q": "wjt"}).status_code in (401, 403)


# --- issue ---------------------------------------------------------------------------------------------------


def test_inside_scope_completes_at_once(tree, users, member):
    transfer = services.person_transfer(actor=users["zhou_admin"], person=member, to_org=tree["wujiatai"],
                                        transferred_on=TODAY)
    assert transfer.status == Transfer.Status.COMPLETED
    member.refresh_from_db()
    assert member.org == tree["wujiatai"]
    assert_summary_matches_facts()


def test_outside_scope_is_pending_and_nothing_moves(tree, users, member):
    before_people = _state()[:2]
    transfer = _send(users, tree, member)
    assert transfer.status == Transfer.Status.PENDING
    assert _state()[:2] == before_people  # the person, the posts: unchanged
    assert_summary_matches_facts()
    assert AuditEntry.objects.filter(action="transfer.issue", object_id=str(transfer.pk)).exists()
    # Both sides see it; the receiving side does not see the person yet.
    assert Transfer.objects.outgoing_for(users["badong_admin"]).filter(pk=transfer.pk).exists()
    assert Transfer.objects.incoming_for(users["xuanen_admin"]).filter(pk=transfer.pk).exists()
    assert not Transfer.objects.incoming_for(users["badong_admin"]).filter(pk=transfer.pk).exists()
    assert not Person.objects.visible_to(users["xuanen_admin"]).filter(pk=member.pk).exists()
    assert not Transfer.objects.visible_to(users["xiaohe"]).filter(pk=transfer.pk).exists()


def test_second_transfer_and_status_change_refused_while_pending(tree, users, member):
    _send(users, tree, member)
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        services.person_transfer(actor=users["badong_admin"], person=member, to_org=tree["xiaohe"],
                                 transferred_on=TODAY)
    assert "person" in excinfo.value.message_dict and CJK.search(excinfo.value.message_dict["person"][0])
    with pytest.raises(ValidationError):
        services.person_transfer_out(actor=users["badong_admin"], person=member, to_org_name="中共某某支部",
                                     transferred_on=TODAY, dues_paid_until=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.person_update(actor=users["badong_admin"], person=member, status="deceased")
    assert "status" in excinfo.value.message_dict
    assert _state() == before
    # Other edits stay possible.
    services.person_update(actor=users["badong_admin"], person=member, education="college")


def test_issue_refusals_change_nothing(tree, users, member):
    before = _state()
    with pytest.raises(NotInScope):  # the person outside the sender's scope
        services.person_transfer(actor=users["xuanen_admin"], person=member, to_org=tree["wujiatai"],
                                 transferred_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.person_transfer(actor=users["leader"], person=make_person(tree["wujiatai"]),
                                 to_org=tree["yunlong"], transferred_on=TODAY)
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        services.person_transfer(actor=users["badong_admin"], person=member, to_org=tree["wujiatai"],
                                 transferred_on=TODAY + datetime.timedelta(days=1))
    assert "transferred_on" in excinfo.value.message_dict
    services.org_deactivate(actor=users["xuanen_admin"], org=tree["wujiatai_b1"])
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        services.person_transfer(actor=users["badong_admin"], person=member, to_org=tree["wujiatai_b1"],
                                 transferred_on=TODAY)
    assert "to_org" in excinfo.value.message_dict
    assert _state() == before


# --- accept / return / withdraw ------------------------------------------------------------------------------


def test_accept_moves_the_person_and_the_figures(tree, users, member):
    transfer = _send(users, tree, member)
    transfer = services.transfer_accept(actor=users["xuanen_admin"], transfer=transfer)
    assert transfer.status == Transfer.Status.ACCEPTED and transfer.decided_by == users["xuanen_admin"]
    member.refresh_from_db()
    assert member.org == tree["wujiatai"] and member.county_id == tree["xuanen"].pk
    assert not Position.objects.filter(person=member, end_date__isnull=True).exists()
    assert_summary_matches_facts()
    assert AuditEntry.objects.filter(action="transfer.accept", object_id=str(member.pk)).exists()
    # The sender still sees the transfer in its history, not the person.
    assert Transfer.objects.visible_to(users["badong_admin"]).filter(pk=transfer.pk).exists()
    assert not Person.objects.visible_to(users["badong_admin"]).filter(pk=member.pk).exists()


def test_accept_and_return_belong_to_the_receiving_side(tree, users, member):
    transfer = _send(users, tree, member)
    before = _state()
    for actor in ("badong_admin", "xiaohe"):  # the sender, and a township outside the destination
        with pytest.raises(NotInScope):
            services.transfer_accept(actor=users[actor], transfer=transfer)
        with pytest.raises(NotInScope):
            services.transfer_return(actor=users[actor], transfer=transfer, reason="不接收")
    with pytest.raises(PermissionDenied):  # the receiving side, read-only
        services.transfer_accept(actor=users["leader"], transfer=transfer)
    with pytest.raises(ValidationError) as excinfo:  # a reason is required
        services.transfer_return(actor=users["xuanen_admin"], transfer=transfer, reason=" ")
    assert "reason" in excinfo.value.message_dict
    assert _state() == before
    # The township of the destination may accept (its scope contains the destination).
    services.transfer_accept(actor=users["wanzhai"], transfer=transfer)


def test_return_keeps_everything_and_allows_a_new_transfer(tree, users, member):
    transfer = _send(users, tree, member)
    people_before = _state()[:2]
    transfer = services.transfer_return(actor=users["xuanen_admin"], transfer=transfer, reason="信息不全")
    assert (transfer.status, transfer.return_reason) == (Transfer.Status.RETURNED, "信息不全")
    assert _state()[:2] == people_before
    assert_summary_matches_facts()
    before = _state()
    with pytest.raises(ValidationError):  # decided already
        services.transfer_accept(actor=users["xuanen_admin"], transfer=transfer)
    assert _state() == before
    assert _send(users, tree, member).status == Transfer.Status.PENDING


def test_withdraw_is_the_senders(tree, users, member):
    transfer = _send(users, tree, member)
    before = _state()
    with pytest.raises(NotInScope):
        services.transfer_withdraw(actor=users["xuanen_admin"], transfer=transfer)
    assert _state() == before
    transfer = services.transfer_withdraw(actor=users["badong_admin"], transfer=transfer)
    assert (transfer.status, transfer.return_reason) == (Transfer.Status.RETURNED, transfers.WITHDRAWN)
    assert AuditEntry.objects.filter(action="transfer.withdraw").exists()


def test_one_pending_transfer_per_person_in_the_database(tree, users, member):
    from django.db import IntegrityError, transaction

    transfer = _send(users, tree, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(person=member, from_org=transfer.from_org, org=transfer.org,
                                transferred_on=TODAY, status=Transfer.Status.PENDING)


# --- out of the platform -------------------------------------------------------------------------------------


def _out(users, member, **kw):
    data = {"to_org_name": "中共杭州市西湖区某某社区委员会", "transferred_on": TODAY,
            "dues_paid_until": TODAY.replace(day=15), "reason": "外省工作"}
    data.update(kw)
    return services.person_transfer_out(actor=users["badong_admin"], person=member, **data)


def test_transfer_out_numbers_the_letter_and_marks_the_person(tree, users, member):
    first = _out(users, member)
    year = TODAY.year
    assert first.letter_number == f"鄂恩组转〔{year}〕第0001号"
    assert first.status == Transfer.Status.COMPLETED and first.is_external and first.to_org is None
    assert first.dues_paid_until == TODAY.replace(day=1)
    member.refresh_from_db()
    assert member.status == "transferred_out" and member.org == tree["yunlong"]
    assert not Position.objects.filter(person=member, end_date__isnull=True).exists()
    assert_summary_matches_facts()
    second = _out(users, make_person(tree["yunlong"]))
    assert second.letter_number == f"鄂恩组转〔{year}〕第0002号"
    assert TransferLetterCounter.objects.get(year=year).last == 2


def test_transfer_out_refusals_change_nothing(tree, users, member):
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        _out(users, member, to_org_name=" ", dues_paid_until=None)
    assert {"to_org_name", "dues_paid_until"} <= set(excinfo.value.message_dict)
    with pytest.raises(NotInScope):
        services.person_transfer_out(actor=users["xuanen_admin"], person=member, to_org_name="某支部",
                                     transferred_on=TODAY, dues_paid_until=TODAY)
    assert _state() == before
    assert not TransferLetterCounter.objects.exists()


def test_letter_sequence_survives_a_missing_counter_row(db):
    assert transfers.next_letter_seq(2030) == 1
    assert transfers.next_letter_seq(2030) == 2
    assert transfers.next_letter_seq(2031) == 1


def test_letter_pdf_full_id_for_reveal_roles_masked_otherwise(tree, users, member, monkeypatch):
    transfer = _out(users, member)
    context = services.transfer_letter(actor=users["badong_admin"], transfer=transfer)
    assert context["id_number"] == member.id_number
    assert AuditEntry.objects.filter(action="person.reveal", object_id=str(member.pk)).exists()
    assert AuditEntry.objects.filter(action="transfer.letter").count() == 1
    xinling = users["xinling"] = __import__("dangjian.conftest", fromlist=["make_user"]).make_user(
        tree["xinling"], "township", "xinling")
    context = services.transfer_letter(actor=xinling, transfer=transfer)
    assert context["id_number"] != member.id_number and "*" in context["id_number"]
    for actor in ("xuanen_admin", "xiaohe"):
        with pytest.raises(NotInScope):
            services.transfer_letter(actor=users[actor], transfer=transfer)


def test_letter_pdf_renders(tree, users, member):
    transfer = _out(users, member)
    response = client(users["badong_admin"]).get(f"/api/v1/transfers/{transfer.pk}/letter/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = b"".join(response) if response.streaming else response.content
    assert len(io.BytesIO(pdf).getvalue()) > 10_000  # fonts embedded
    # An in-platform transfer has no letter.
    other = _send(users, tree, make_person(tree["yunlong"]))
    assert client(users["badong_admin"]).get(f"/api/v1/transfers/{other.pk}/letter/").status_code == 404


# --- API -----------------------------------------------------------------------------------------------------


def test_api_pending_accept_flow(tree, users, member):
    sender, receiver = client(users["badong_admin"]), client(users["xuanen_admin"])
    response = sender.post(f"/api/v1/people/{member.pk}/transfer/",
                           {"to_org": tree["wujiatai"].pk, "transferred_on": TODAY.isoformat(), "reason": "调动"},
                           format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["to_org"]["id"] == tree["wujiatai"].pk
    assert set(body["person"]) == {"id", "name", "gender", "category"}
    pk = body["id"]
    # The receiving side lists it, without ID or phone.
    listed = receiver.get("/api/v1/transfers/", {"direction": "in", "status": "pending"}).json()["results"]
    assert [t["id"] for t in listed] == [pk]
    assert member.phone not in str(listed) and "id_number" not in str(listed)
    assert sender.get("/api/v1/transfers/", {"direction": "in"}).json()["results"] == []
    assert client(users["xiaohe"]).get(f"/api/v1/transfers/{pk}/").status_code == 404
    with Unchanged(Transfer, Person):
        assert sender.post(f"/api/v1/transfers/{pk}/accept/").status_code == 404
        assert sender.post(f"/api/v1/transfers/{pk}/return/", {"reason": "x"}, format="json").status_code == 404
        assert client(users["leader"]).post(f"/api/v1/transfers/{pk}/accept/").status_code == 403
        assert_refused(receiver.post(f"/api/v1/transfers/{pk}/return/", {}, format="json"), "reason")
    response = receiver.post(f"/api/v1/transfers/{pk}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert receiver.get(f"/api/v1/people/{member.pk}/").status_code == 200
    response = receiver.post(f"/api/v1/transfers/{pk}/accept/")
    assert response.status_code == 400 and CJK.search(str(response.json()))


def test_api_inside_scope_and_out_of_platform(tree, users, member):
    api = client(users["badong_admin"])
    url = f"/api/v1/people/{member.pk}/transfer/"
    services.org_deactivate(actor=users["xuanen_admin"], org=tree["wujiatai_b1"])
    with Unchanged(Transfer, Person):
        assert api.post(url, {"transferred_on": TODAY.isoformat()}, format="json").status_code == 400
        assert api.post(url, {"to_org": tree["wujiatai_b1"].pk, "transferred_on": TODAY.isoformat()},
                        format="json").status_code == 404
        assert_refused(api.post(url, {"to_org_name": "外省支部", "transferred_on": TODAY.isoformat()},
                                format="json"), "dues_paid_until")
    response = api.post(url, {"to_org_name": "外省支部", "transferred_on": TODAY.isoformat(),
                              "dues_paid_until": TODAY.isoformat()}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "completed" and body["to_org"] is None and body["to_org_name"] == "外省支部"
    assert body["letter_number"].startswith("鄂恩组转")
    other = make_person(tree["yunlong"])
    response = api.post(f"/api/v1/people/{other.pk}/transfer/",
                        {"to_org": tree["xinling"].pk, "transferred_on": TODAY.isoformat()}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "completed"


def test_transfer_list_api_query_count(tree, users, django_assert_max_num_queries):
    for _i in range(5):
        services.person_transfer(actor=users["badong_admin"], person=make_person(tree["yunlong"]),
                                 to_org=tree["wujiatai"], transferred_on=TODAY)
    api = client(users["xuanen_admin"])
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/transfers/").json()["results"]) == 5


# --- pages ---------------------------------------------------------------------------------------------------


def _login(client_, user):
    client_.force_login(user)
    return client_


def test_pages_flow(client, tree, users, member, django_assert_max_num_queries):
    sender = _login(client, users["badong_admin"])
    response = sender.get(f"/people/{member.pk}/transfer/")
    assert response.status_code == 200 and "source=directory" in response.content.decode()
    picker = sender.get("/orgs/picker/", {"source": "directory", "field": "to_org", "q": "wjt"}).content.decode()
    assert "中共伍家台村支部委员会" in picker and "中共万寨乡委员会" in picker
    response = sender.post(f"/people/{member.pk}/transfer/", {"mode": "inside", "to_org": tree["wujiatai"].pk,
                                                              "transferred_on": TODAY.isoformat()})
    transfer = Transfer.objects.get(person=member)
    assert response.status_code == 302 and response["Location"] == f"/people/transfers/{transfer.pk}/"
    assert transfer.status == "pending"
    sender.logout()
    receiver = _login(client, users["xuanen_admin"])
    with django_assert_max_num_queries(12):
        page = receiver.get("/people/transfers/").content.decode()
    assert member.name in page and member.phone not in page
    detail = receiver.get(f"/people/transfers/{transfer.pk}/").content.decode()
    assert member.name in detail and f"/people/{member.pk}/" not in detail
    assert receiver.post(f"/people/transfers/{transfer.pk}/withdraw/").status_code == 404
    assert receiver.get(f"/people/transfers/{transfer.pk}/letter/").status_code == 404
    response = receiver.post(f"/people/transfers/{transfer.pk}/return/", {"reason": ""})
    assert response.status_code == 200 and Transfer.objects.get(pk=transfer.pk).status == "pending"
    assert receiver.post(f"/people/transfers/{transfer.pk}/accept/").status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).status == "accepted"


def test_transfer_form_out_of_platform(client, tree, users, member):
    sender = _login(client, users["badong_admin"])
    url = f"/people/{member.pk}/transfer/"
    before = _state()
    response = sender.post(url, {"mode": "outside", "to_org_name": "", "transferred_on": TODAY.isoformat()})
    assert response.status_code == 200 and _state() == before
    response = sender.post(url, {"mode": "outside", "to_org_name": "中共长沙市某某支部委员会",
                                 "dues_paid_until": TODAY.strftime("%Y-%m"), "transferred_on": TODAY.isoformat()})
    transfer = Transfer.objects.get(person=member)
    assert response.status_code == 302 and transfer.letter_number
    detail = sender.get(f"/people/transfers/{transfer.pk}/").content.decode()
    assert f"/people/transfers/{transfer.pk}/letter/" in detail
    response = sender.get(f"/people/transfers/{transfer.pk}/letter/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
