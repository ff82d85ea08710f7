"""People, positions and transfers through orgs.services: every rule with its refusal (nothing changes) and
its success (written and audited, with masked personal data)."""

import datetime
import json
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.conftest import make_person, person_data
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import AuditEntry
from dangjian.core.validators import id_check_digit
from dangjian.demo import synthetic
from dangjian.orgs import services
from dangjian.orgs.models import Person, Position, Transfer

TODAY = timezone.localdate()


def _state():
    """Everything a refused call must leave untouched."""
    return (
        Person.objects.count(), Position.objects.count(), Transfer.objects.count(), AuditEntry.objects.count(),
        sorted(Person.objects.values_list("id", "name", "org_id", "county_id", "township_id", "village_id",
                                          "birth_date", "category", "status")),
        sorted(Position.objects.values_list("id", "end_date")),
    )


def _all_audit_text():
    return json.dumps(list(AuditEntry.objects.values("before", "after", "object_repr")), ensure_ascii=False)


def _wrong_check_digit(id_number):
    wrong = next(c for c in "0123456789X" if c != id_number[-1])
    return id_number[:-1] + wrong


def _id_ending_in_x(birth, male=True):
    for seq in range(1, 1000, 2) if male else range(0, 1000, 2):
        body = f"422825{birth:%Y%m%d}{seq:03d}"
        if id_check_digit(body) == "X":
            return body + "X"
    raise AssertionError("no X check digit found")


# --- person_create -------------------------------------------------------------------------------------------


def test_person_create_writes_ancestry_pinyin_and_masked_audit(tree, users):
    data = person_data(random.Random(1), name="向明华")
    person = services.person_create(actor=users["wanzhai"], org=tree["wujiatai"], **data)
    person.refresh_from_db()
    assert person.org == tree["wujiatai"]
    assert (person.county_id, person.township_id, person.village_id) == (
        tree["xuanen"].pk, tree["wanzhai"].pk, tree["wujiatai"].pk)
    assert person.prefecture_id == tree["zhou"].pk
    assert person.pinyin_initials == "xmh"
    assert person.id_number == data["id_number"]
    entry = AuditEntry.objects.get(action="person.create")
    assert entry.actor_id == users["wanzhai"].pk
    assert entry.after["id_number"] == mask_id_number(data["id_number"])
    assert entry.after["phone"] == mask_phone(data["phone"])
    text = _all_audit_text()
    assert data["id_number"] not in text and data["phone"] not in text


def _mismatched_birth(data):
    other = data["birth_date"].replace(day=data["birth_date"].day % 28 + 1)
    data["id_number"] = synthetic.id_number(other, data["gender"] == "M", rng=random.Random(3))
    return data


REFUSALS = {
    "wrong check digit": (lambda d: {**d, "id_number": _wrong_check_digit(d["id_number"])}, "id_number"),
    "malformed id": (lambda d: {**d, "id_number": "42282519800101"}, "id_number"),
    "id birth date differs": (_mismatched_birth, "birth_date"),
    "gender differs from id": (lambda d: {**d, "gender": "F" if d["gender"] == "M" else "M"}, "gender"),
    "birth after joining": (
        lambda d: {**d, "joined_on": d["birth_date"] - datetime.timedelta(days=30),
                   "full_member_on": d["birth_date"]}, "joined_on"),
    "joined before 18": (
        lambda d: {**d, "joined_on": d["birth_date"].replace(year=d["birth_date"].year + 17),
                   "full_member_on": d["birth_date"].replace(year=d["birth_date"].year + 18)}, "joined_on"),
    "probationary with full-member date": (lambda d: {**d, "category": "probationary"}, "full_member_on"),
    "full member without full-member date": (lambda d: {**d, "full_member_on": None}, "full_member_on"),
    "bad mobile": (lambda d: {**d, "phone": "12345678901"}, "phone"),
    "short mobile": (lambda d: {**d, "phone": "1381234567"}, "phone"),
    "future joining date": (lambda d: {**d, "joined_on": TODAY + datetime.timedelta(days=3),
                                       "full_member_on": None, "category": "probationary"}, "joined_on"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_person_create_refusals_change_nothing(tree, users, case):
    change, field = REFUSALS[case]
    data = change(person_data(random.Random(11), birth_date=datetime.date(1980, 5, 17), male=True))
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=users["wanzhai"], org=tree["wujiatai"], **data)
    assert field in excinfo.value.message_dict, excinfo.value.message_dict
    assert _state() == before


def test_refusal_messages_are_chinese(tree, users):
    data = person_data(random.Random(5))
    data["id_number"] = _wrong_check_digit(data["id_number"])
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=users["wanzhai"], org=tree["wujiatai"], **data)
    assert "校验码" in excinfo.value.message_dict["id_number"][0]


def test_duplicate_id_number_refused_even_with_lower_case_x(tree, users):
    birth = datetime.date(1975, 3, 9)
    id_x = _id_ending_in_x(birth)
    services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"],
                           **person_data(random.Random(2), birth_date=birth, male=True, id_number=id_x))
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai_b1"],
                               **person_data(random.Random(3), birth_date=birth, male=True,
                                             id_number=id_x.lower()))
    assert "id_number" in excinfo.value.message_dict
    after = _state()
    assert after[3] == before[3] + 1  # the refusal's audit entry (orgs/tests/test_id_oracle.py), nothing else
    assert after[:3] + after[4:] == before[:3] + before[4:]


def test_duplicate_id_number_is_also_refused_by_the_database(tree):
    first = make_person(tree["wujiatai"])
    clone = Person(**person_data(random.Random(4), id_number=first.id_number, birth_date=first.birth_date,
                                 male=first.gender == "M"))
    clone.set_org(tree["wujiatai"])
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_person_create_scope_and_role(tree, users):
    data = person_data(random.Random(8))
    before = _state()
    with pytest.raises(NotInScope):  # another township
        services.person_create(actor=users["wanzhai"], org=tree["yunlong"], **data)
    with pytest.raises(NotInScope):  # another county
        services.person_create(actor=users["badong_admin"], org=tree["wujiatai"], **data)
    with pytest.raises(PermissionDenied):  # read-only role inside its scope
        services.person_create(actor=users["leader"], org=tree["wujiatai"], **data)
    assert _state() == before


# --- person_update -------------------------------------------------------------------------------------------


def test_person_update_success_audits_masked_values(tree, users):
    person = make_person(tree["wujiatai"])
    new_phone = "13907181234"
    services.person_update(actor=users["wanzhai"], person=person, phone=new_phone, education="bachelor")
    person.refresh_from_db()
    assert person.phone == new_phone and person.education == "bachelor"
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.before["phone"] != entry.after["phone"] == "139****1234"
    assert entry.before["id_number"] == entry.after["id_number"] == mask_id_number(person.id_number)
    text = _all_audit_text()
    assert new_phone not in text and person.id_number not in text


def test_person_update_refusal_changes_nothing(tree, users):
    person = make_person(tree["wujiatai"])
    before = _state()
    with pytest.raises(ValidationError):
        services.person_update(actor=users["wanzhai"], person=person,
                               birth_date=person.birth_date + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.person_update(actor=users["wanzhai"], person=person, category="probationary")
    assert _state() == before
    other = make_person(tree["wujiatai"])
    with pytest.raises(ValidationError) as excinfo:
        services.person_update(actor=users["wanzhai"], person=other, id_number=person.id_number,
                               birth_date=person.birth_date, gender=person.gender, joined_on=person.joined_on,
                               full_member_on=person.full_member_on)
    assert "id_number" in excinfo.value.message_dict
    other.refresh_from_db()
    assert other.id_number != person.id_number


def test_person_update_scope(tree, users):
    person = make_person(tree["yunlong"])
    with pytest.raises(NotInScope):
        services.person_update(actor=users["wanzhai"], person=person, education="bachelor")
    mine = make_person(tree["wujiatai"])
    with pytest.raises(PermissionDenied):
        services.person_update(actor=users["leader"], person=mine, education="bachelor")


# --- positions -----------------------------------------------------------------------------------------------


def test_position_appoint_and_one_current_secretary(tree, users):
    first, second = make_person(tree["wujiatai"], name="谭春兰"), make_person(tree["wujiatai"])
    start = TODAY - datetime.timedelta(days=400)
    position = services.position_appoint(actor=users["wanzhai"], person=first, org=tree["wujiatai"],
                                         title="secretary", start_date=start)
    assert position.is_current and position.village_id == tree["wujiatai"].pk
    assert AuditEntry.objects.filter(action="position.appoint").count() == 1
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        services.position_appoint(actor=users["wanzhai"], person=second, org=tree["wujiatai"],
                                  title="secretary", start_date=TODAY)
    message = excinfo.value.message_dict["title"][0]
    assert "谭春兰" in message and "书记" in message
    assert _state() == before
    # Another organization may have its own secretary; a deputy is not limited.
    services.position_appoint(actor=users["wanzhai"], person=second, org=tree["wujiatai_b1"],
                              title="secretary", start_date=TODAY)
    services.position_appoint(actor=users["wanzhai"], person=second, org=tree["wujiatai"],
                              title="deputy_secretary", start_date=TODAY)


def test_second_current_secretary_is_refused_by_the_database(tree):
    first, second = make_person(tree["wujiatai"]), make_person(tree["wujiatai"])
    for person in (first, second):
        position = Position(person=person, title="secretary", start_date=TODAY)
        position.set_org(tree["wujiatai"])
        if person is first:
            position.save()
        else:
            with pytest.raises(IntegrityError), transaction.atomic():
                position.save()


def test_position_appoint_refusals(tree, users):
    person = make_person(tree["wujiatai"])
    before = _state()
    with pytest.raises(ValidationError):
        services.position_appoint(actor=users["wanzhai"], person=person, org=tree["wujiatai"],
                                  title="secretary", start_date=TODAY + datetime.timedelta(days=2))
    with pytest.raises(NotInScope):
        services.position_appoint(actor=users["wanzhai"], person=person, org=tree["yunlong"],
                                  title="member", start_date=TODAY)
    with pytest.raises(PermissionDenied):
        services.position_appoint(actor=users["leader"], person=person, org=tree["wujiatai"],
                                  title="member", start_date=TODAY)
    assert _state() == before


def test_position_end(tree, users):
    person = make_person(tree["wujiatai"])
    start = TODAY - datetime.timedelta(days=100)
    position = services.position_appoint(actor=users["wanzhai"], person=person, org=tree["wujiatai"],
                                         title="secretary", start_date=start)
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        services.position_end(actor=users["wanzhai"], position=position, end_date=start - datetime.timedelta(days=1))
    assert "end_date" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.position_end(actor=users["wanzhai"], position=position, end_date=TODAY + datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.position_end(actor=users["leader"], position=position, end_date=TODAY)
    with pytest.raises(NotInScope):
        services.position_end(actor=users["badong_admin"], position=position, end_date=TODAY)
    assert _state() == before
    services.position_end(actor=users["wanzhai"], position=position, end_date=TODAY)
    position.refresh_from_db()
    assert position.end_date == TODAY and not position.is_current
    with pytest.raises(ValidationError):  # already ended
        services.position_end(actor=users["wanzhai"], position=position, end_date=TODAY)
    # The post is free again.
    services.position_appoint(actor=users["wanzhai"], person=make_person(tree["wujiatai"]), org=tree["wujiatai"],
                              title="secretary", start_date=TODAY)


# --- transfers -----------------------------------------------------------------------------------------------


def test_transfer_writes_history_rewrites_ancestry_and_ends_old_posts(tree, users):
    person = make_person(tree["wujiatai"])
    start = TODAY - datetime.timedelta(days=200)
    old_post = services.position_appoint(actor=users["zhou_admin"], person=person, org=tree["wujiatai"],
                                         title="secretary", start_date=start)
    other_post = services.position_appoint(actor=users["zhou_admin"], person=person, org=tree["wanzhai"],
                                           title="member", start_date=start)
    day = TODAY - datetime.timedelta(days=10)
    transfer = services.person_transfer(actor=users["zhou_admin"], person=person, to_org=tree["yunlong"],
                                        transferred_on=day, reason="工作调动")
    person.refresh_from_db()
    assert person.org == tree["yunlong"]
    assert (person.county_id, person.township_id, person.village_id) == (
        tree["badong"].pk, tree["xinling"].pk, tree["yunlong"].pk)
    assert (transfer.from_org, transfer.org, transfer.transferred_on) == (tree["wujiatai"], tree["yunlong"], day)
    assert list(person.transfers.all()) == [transfer]
    old_post.refresh_from_db()
    other_post.refresh_from_db()
    assert old_post.end_date == day
    assert other_post.end_date is None
    entry = AuditEntry.objects.get(action="person.transfer")
    assert entry.before == {"org": tree["wujiatai"].pk}
    assert entry.after["org"] == tree["yunlong"].pk and entry.after["positions_ended"] == 1
    # The person has left the Xuanen county's scope and entered Badong's.
    assert not Person.objects.visible_to(users["xuanen_admin"]).filter(pk=person.pk).exists()
    assert Person.objects.visible_to(users["badong_admin"]).filter(pk=person.pk).exists()


def test_transfer_refusals_change_nothing(tree, users):
    person = make_person(tree["wujiatai"])
    before = _state()
    cases = [
        (tree["wujiatai"], TODAY, "to_org"),
        (tree["wujiatai_b1"], TODAY + datetime.timedelta(days=1), "transferred_on"),
        (tree["wujiatai_b1"], person.joined_on - datetime.timedelta(days=1), "transferred_on"),
    ]
    for to_org, day, field in cases:
        with pytest.raises(ValidationError) as excinfo:
            services.person_transfer(actor=users["wanzhai"], person=person, to_org=to_org, transferred_on=day)
        assert field in excinfo.value.message_dict
    with pytest.raises(NotInScope):  # the person outside the actor's scope
        services.person_transfer(actor=users["badong_admin"], person=person, to_org=tree["yunlong"],
                                 transferred_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.person_transfer(actor=users["leader"], person=person, to_org=tree["wujiatai_b1"],
                                 transferred_on=TODAY)
    assert _state() == before


def test_transfer_of_a_former_member_is_refused(tree, users):
    person = make_person(tree["wujiatai"], status="deceased")
    with pytest.raises(ValidationError) as excinfo:
        services.person_transfer(actor=users["wanzhai"], person=person, to_org=tree["wujiatai_b1"],
                                 transferred_on=TODAY)
    assert "person" in excinfo.value.message_dict


# --- reveal --------------------------------------------------------------------------------------------------


def test_reveal_allowed_for_org_dept_and_audited(tree, users):
    person = make_person(tree["wujiatai"])
    for field in ("id_number", "phone"):
        assert services.person_reveal(actor=users["xuanen_admin"], person=person, field=field) == getattr(
            person, field)
    entries = AuditEntry.objects.filter(action="person.reveal").order_by("seq")
    assert [(e.outcome, e.after["field"], e.actor_id) for e in entries] == [
        ("success", "id_number", users["xuanen_admin"].pk), ("success", "phone", users["xuanen_admin"].pk)]
    assert person.id_number not in _all_audit_text()
    assert services.person_reveal(actor=users["zhou_admin"], person=person, field="id_number") == person.id_number


@pytest.mark.parametrize("role", ["wanzhai", "wujiatai", "leader"])
def test_reveal_denied_for_other_roles_and_audited(tree, users, role):
    person = make_person(tree["wujiatai"])
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=users[role], person=person, field="id_number")
    entry = AuditEntry.objects.get(action="person.reveal")
    assert entry.outcome == "denied" and entry.actor_id == users[role].pk


def test_reveal_out_of_scope_is_404_and_unknown_field_refused(tree, users):
    person = make_person(tree["wujiatai"])
    with pytest.raises(NotInScope):
        services.person_reveal(actor=users["badong_admin"], person=person, field="id_number")
    with pytest.raises(ValidationError):
        services.person_reveal(actor=users["xuanen_admin"], person=person, field="name")
    assert not AuditEntry.objects.filter(action="person.reveal").exists()
