"""Services of 三进三帮: every rule, refusals included (a refusal changes nothing), and the people-helped count."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.exceptions import NotInScope, PermissionDenied
from dangjian.core.metrics import Period
from dangjian.core.models import AuditEntry
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.outreach import selectors, services
from dangjian.outreach.models import Beneficiary, HelpCase, Visit

from .conftest import id_number

pytestmark = pytest.mark.django_db
Y2012 = Period.year(2012)
D = datetime.date


def state():
    return (sorted(Beneficiary.objects.values_list("pk", "name", "kind", "household_size", "people")),
            sorted(HelpCase.objects.values_list("pk", "status", "resolution", "resolved_on", "satisfaction",
                                                "people_helped")),
            sorted(Visit.objects.values_list("pk", "kind", "whom")))


def test_visit_defaults_to_today_and_the_actors_member_record(tree, users):
    visit = services.visit_create(actor=users["wanzhai"], org=tree["wujiatai"], kind="village", whom="李家",
                                  findings="缺水")
    assert visit.visited_on == datetime.date.today() and visit.township_id == tree["wanzhai"].pk
    assert AuditEntry.objects.filter(action="visit.create").count() == 1


def test_visit_outside_scope_or_in_the_future_changes_nothing(tree, users):
    before = state()
    with pytest.raises(NotInScope):
        services.visit_create(actor=users["wanzhai"], org=tree["yunlong"], kind="village", whom="x", findings="y")
    with pytest.raises(ValidationError) as exc:
        services.visit_create(actor=users["wanzhai"], org=tree["wujiatai"], kind="village", whom="x", findings="y",
                              visited_on=datetime.date.today() + datetime.timedelta(days=1))
    assert "visited_on" in exc.value.message_dict
    assert state() == before


def test_household_size_below_one_is_refused(tree, make_beneficiary):
    before = state()
    with pytest.raises(ValidationError) as exc:
        make_beneficiary(kind="household", household_size=0)
    assert "household_size" in exc.value.message_dict
    assert state() == before


def test_people_count_person_household_enterprise(make_beneficiary):
    assert make_beneficiary(kind="person").people == 1
    assert make_beneficiary(kind="household", name="张家", household_size=4).people == 4
    assert make_beneficiary(kind="enterprise", name="伍家台茶厂").people == 0


def test_same_id_number_in_scope_offers_the_existing_beneficiary(tree, users, make_beneficiary):
    first = make_beneficiary(id_number=id_number(1))
    before = state()
    with pytest.raises(services.DuplicateBeneficiary) as exc:
        make_beneficiary(id_number=id_number(1), name="另一个")
    assert exc.value.existing == first and "王大山" in exc.value.messages[0]
    assert state() == before
    entry = AuditEntry.objects.get(action="beneficiary.duplicate_id")
    assert entry.outcome == "refused" and entry.after["outside_scope"] is False


def test_same_id_number_outside_scope_reveals_nothing(tree, users, make_beneficiary):
    make_beneficiary(id_number=id_number(2), name="秘密人")
    before = state()
    with pytest.raises(services.DuplicateBeneficiary) as exc:
        services.beneficiary_create(actor=users["badong_admin"], org=tree["yunlong"], kind="person", name="某人",
                                    id_number=id_number(2))
    assert exc.value.existing is None
    message = " ".join(exc.value.messages)
    assert "秘密人" not in message and "伍家台" not in message
    assert state() == before
    entry = AuditEntry.objects.get(action="beneficiary.duplicate_id")
    assert entry.after["outside_scope"] is True and id_number(2) not in str(entry.after)


def test_ids_and_phones_are_encrypted_and_revealed_with_an_audit_row(tree, users, make_beneficiary):
    from django.db import connection

    b = make_beneficiary(id_number=id_number(3), phone="13907181234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM outreach_beneficiary WHERE id = %s", [b.pk])
        raw = cursor.fetchone()
    assert id_number(3) not in raw[0] and "13907181234" not in raw[1]
    with pytest.raises(PermissionDenied):
        services.beneficiary_reveal(actor=users["wanzhai"], beneficiary=b, field="phone")
    assert services.beneficiary_reveal(actor=users["xuanen_admin"], beneficiary=b, field="phone") == "13907181234"
    with pytest.raises(NotInScope):
        services.beneficiary_reveal(actor=users["badong_admin"], beneficiary=b, field="phone")
    outcomes = list(AuditEntry.objects.filter(action="beneficiary.reveal").values_list("outcome", flat=True))
    assert sorted(outcomes) == ["denied", "success"]


def test_resolve_needs_a_resolution_and_return_visit_needs_a_resolution_first(make_case, users):
    case = make_case(opened_on=D(2012, 3, 1))
    before = state()
    with pytest.raises(ValidationError) as exc:
        services.case_resolve(actor=users["wanzhai"], case=case, resolution="  ", resolved_on=D(2012, 4, 1))
    assert "resolution" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.case_return_visit(actor=users["wanzhai"], case=case, satisfaction="satisfied")
    assert state() == before
    services.case_resolve(actor=users["wanzhai"], case=case, resolution="修好屋顶", resolved_on=D(2012, 4, 1))
    services.case_return_visit(actor=users["wanzhai"], case=case, satisfaction="satisfied", returned_on=D(2012, 4, 9))
    case.refresh_from_db()
    assert case.status == "closed" and case.satisfaction == "satisfied"
    assert_summary_matches_facts()


def test_case_outside_scope_is_not_found_and_a_reader_may_not_write(make_case, users):
    case = make_case()
    before = state()
    with pytest.raises(NotInScope):
        services.case_resolve(actor=users["badong_admin"], case=case, resolution="x")
    with pytest.raises(PermissionDenied):
        services.case_resolve(actor=users["leader"], case=case, resolution="x")
    assert state() == before


def test_people_helped_counts_each_beneficiary_once_per_period(tree, users, make_beneficiary, make_case):
    household = make_beneficiary(kind="household", name="张家", household_size=4)
    person = make_beneficiary(name="李四")
    firm = make_beneficiary(kind="enterprise", name="茶厂")
    cases = [make_case(household, opened_on=D(2012, 1, 5)), make_case(household, opened_on=D(2012, 2, 1)),
             make_case(person, opened_on=D(2012, 1, 5)), make_case(firm, kind="business", opened_on=D(2012, 1, 5))]
    for i, case in enumerate(cases):
        services.case_resolve(actor=users["wanzhai"], case=case, resolution="已解决",
                              resolved_on=D(2012, 3 + i, 10))
    xuanen = tree["xuanen"]
    got = selectors.figures(xuanen, Y2012)
    assert got["people_helped"] == 5 and got["problems_solved"] == 4
    # a period that does not start on 1 January is counted live, with the same rule
    assert selectors.figures(xuanen, Period(D(2012, 4, 1), D(2012, 12, 31)))["people_helped"] == 5
    assert selectors.figures(xuanen, Period(D(2012, 5, 1), D(2012, 12, 31)))["people_helped"] == 1
    assert selectors.figures(tree["wanzhai"], Y2012)["people_helped"] == 5
    # reopening the case that counted the household moves the count to its other solved case
    services.case_reopen(actor=users["wanzhai"], case=cases[0], reason="又漏了")
    got = selectors.figures(xuanen, Y2012)
    assert got["people_helped"] == 5 and got["problems_solved"] == 3 and got["cases_open"] == 1
    services.case_reopen(actor=users["wanzhai"], case=cases[1], reason="又漏了")
    assert selectors.figures(xuanen, Y2012)["people_helped"] == 1
    # a household that grows counts its new size
    services.case_resolve(actor=users["wanzhai"], case=cases[0], resolution="再修", resolved_on=D(2012, 9, 1))
    services.beneficiary_update(actor=users["wanzhai"], beneficiary=household, household_size=6)
    assert selectors.figures(xuanen, Y2012)["people_helped"] == 7
    assert selectors.figures(tree["badong"], Y2012)["people_helped"] == 0
    assert_summary_matches_facts()


def test_reopen_needs_a_reason_and_a_solved_case(make_case, users):
    case = make_case()
    before = state()
    with pytest.raises(ValidationError):
        services.case_reopen(actor=users["wanzhai"], case=case, reason="x")
    services.case_resolve(actor=users["wanzhai"], case=case, resolution="ok")
    before = state()
    with pytest.raises(ValidationError) as exc:
        services.case_reopen(actor=users["wanzhai"], case=case, reason=" ")
    assert "reason" in exc.value.message_dict
    assert state() == before


def test_satisfaction_rate(make_case, users, tree):
    for satisfaction in ("satisfied", "basically", "unsatisfied", "satisfied"):
        case = make_case(opened_on=D(2012, 1, 2))
        services.case_resolve(actor=users["wanzhai"], case=case, resolution="ok", resolved_on=D(2012, 2, 1))
        services.case_return_visit(actor=users["wanzhai"], case=case, satisfaction=satisfaction,
                                   returned_on=D(2012, 2, 3))
    assert selectors.figures(tree["xuanen"], Y2012)["satisfaction_rate"] == 75.0
    assert selectors.figures(tree["xuanen"], Period.year(2013))["satisfaction_rate"] is None
