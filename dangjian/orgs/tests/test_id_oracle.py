"""Finding 4 of issue 6: the ID-number oracle across scopes. A duplicate ID number registered outside the
caller's scope is answered without naming anyone; every refusal is audited ('refused') and the entry survives
the rollback of the refused write; a user who meets too many such numbers within an hour is throttled and
flagged on the security administrator's page."""

import datetime
import random

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from dangjian.conftest import make_person, make_user, person_data
from dangjian.core.models import AuditEntry
from dangjian.core.permissions import Role
from dangjian.demo import synthetic
from dangjian.orgs import services
from dangjian.orgs.models import Person

OUTSIDE_MSGID = ("This ID number is already registered. Please contact the higher-level organization "
                 "department to transfer the member's organizational relationship.")
INSIDE_MSGID = "A member record with this ID number already exists; use a transfer to move it here."
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def zh(msgid):
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def _same_id(person, rng_seed=11):
    """Valid new-person fields carrying `person`'s ID number (birth date and gender agree)."""
    return person_data(random.Random(rng_seed), id_number=person.id_number, birth_date=person.birth_date,
                       male=person.gender == "M")


def _people_state():
    return sorted(Person.objects.values_list("id", "name", "org_id", "id_number_index", "status"))


@pytest.fixture
def lichuan_member(tree):
    """A member in 宣恩 (outside 巴东's scope)."""
    return make_person(tree["wujiatai"], name="李四")


def test_outside_scope_duplicate_names_no_one_and_is_audited(tree, users, lichuan_member):
    state = _people_state()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=users["badong_admin"], org=tree["yunlong"], **_same_id(lichuan_member))
    message = " ".join(excinfo.value.message_dict["id_number"])
    assert message == "该身份证号已登记，请联系上级组织部门办理组织关系转接。"
    assert "李四" not in message and tree["wujiatai"].name not in message
    assert _people_state() == state
    entry = AuditEntry.objects.get(action="person.duplicate_id")
    assert entry.outcome == AuditEntry.Outcome.REFUSED == "refused"
    assert entry.actor_id == users["badong_admin"].pk and entry.object_id == ""
    assert entry.after["outside_scope"] is True and entry.after["attempted"] == "person.create"
    assert lichuan_member.id_number not in str(entry.after)  # masked
    assert "李四" not in str(entry.after) + entry.object_repr


def test_the_api_answers_the_same_without_naming_anyone(tree, users, lichuan_member):
    api = APIClient()
    api.force_authenticate(users["badong_admin"])
    data = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in _same_id(lichuan_member).items()}
    response = api.post("/api/v1/people/", {"org": tree["yunlong"].pk, **data}, format="json",
                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["id_number"] == [zh(OUTSIDE_MSGID)]
    assert AuditEntry.objects.filter(action="person.duplicate_id", outcome="refused").count() == 1


def test_inside_scope_duplicate_keeps_the_transfer_message(tree, users, lichuan_member):
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai_b1"], **_same_id(lichuan_member))
    assert excinfo.value.message_dict["id_number"] == [translation.gettext(INSIDE_MSGID)]
    entry = AuditEntry.objects.get(action="person.duplicate_id")
    assert entry.outcome == "refused" and entry.after["outside_scope"] is False


def test_an_update_to_a_registered_number_is_refused_and_audited(tree, users, lichuan_member):
    own = make_person(tree["yunlong"])
    state = _people_state()
    with pytest.raises(ValidationError) as excinfo:
        services.person_update(actor=users["badong_admin"], person=own, **_same_id(lichuan_member))
    assert excinfo.value.message_dict["id_number"] == [translation.gettext(OUTSIDE_MSGID)]
    assert _people_state() == state
    assert AuditEntry.objects.get(action="person.duplicate_id").after["attempted"] == "person.update"


@pytest.mark.django_db(transaction=True)
def test_the_refusal_entry_survives_the_rollback_of_the_refused_write(tree, users, lichuan_member):
    """No test transaction around the call here: the write rolls back, its refusal stays committed."""
    count = Person.objects.count()
    with pytest.raises(ValidationError):
        services.person_create(actor=users["badong_admin"], org=tree["yunlong"], **_same_id(lichuan_member))
    assert Person.objects.count() == count
    assert AuditEntry.objects.filter(action="person.duplicate_id", outcome="refused").count() == 1
    from dangjian.core import audit

    assert audit.verify() is None




def test_a_user_probing_too_many_numbers_is_throttled_and_flagged(tree, users, client):
    outsiders = [make_person(tree["wujiatai"]) for _ in range(6)]
    actor, org = users["badong_admin"], tree["yunlong"]
    with time_machine.travel(START, tick=False):
        for person in outsiders[:5]:
            with pytest.raises(ValidationError):
                services.person_create(actor=actor, org=org, **_same_id(person))
        # The sixth attempt is refused before any lookup, even with a number nobody holds.
        state = _people_state()
        fresh = person_data(random.Random(99), birth_date=datetime.date(1980, 5, 6), male=True,
                            id_number=synthetic.id_number(datetime.date(1980, 5, 6), True, rng=random.Random(5)))
        with pytest.raises(ValidationError) as excinfo:
            services.person_create(actor=actor, org=org, **fresh)
        assert excinfo.value.message_dict["id_number"] == [translation.gettext(
            "You have entered too many ID numbers registered elsewhere within an hour; entering ID numbers is "
            "paused for you for a while. The security administrator has been notified.")]
        assert _people_state() == state
        assert AuditEntry.objects.filter(action="person.id_probe_throttled", actor_id=actor.pk).count() == 2
        # Another user is not affected.
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"],
                               **person_data(random.Random(98)))

        secadmin = make_user(tree["zhou"], Role.SECADMIN, "sec")
        client.force_login(secadmin)
        page = client.get("/accounts/security/").content.decode()
        assert 'id="id-probes"' in page and str(actor) in page

        # A security administrator of another county does not see the flag.
        xuanen_sec = make_user(tree["xuanen"], Role.SECADMIN, "xuanen-sec")
        other = Client()
        other.force_login(xuanen_sec)
        assert str(actor) not in other.get("/accounts/security/").content.decode().split('id="id-probes"')[1]

    # An hour later the user writes again.
    with time_machine.travel(START + datetime.timedelta(hours=1, minutes=1), tick=False):
        person = services.person_create(actor=actor, org=org, **fresh)
        assert person.pk and timezone.now() > START
