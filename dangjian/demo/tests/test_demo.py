"""manage.py demo: the demo prefecture loads, satisfies every invariant the services keep, and its accounts work."""

import io
from collections import Counter

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.crypto import blind_index
from dangjian.core.models import AuditEntry
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.core.validators import validate_id_number
from dangjian.demo import data as demo_data
from dangjian.orgs import services
from dangjian.orgs.models import ANCESTRY_COLUMNS, Level, Org, Person, Position, Transfer, path_segment

pytestmark = pytest.mark.django_db
ANCESTRY = [f"{column}_id" for column in ANCESTRY_COLUMNS.values()]


def demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in (Org, Person, Position, Transfer, User)}


def snapshot():
    """What must be identical between two loads (ciphertexts differ: each encryption draws a fresh nonce)."""
    return (
        list(Org.objects.order_by("id").values_list("id", "code", "name", "path", "term_end")),
        list(Person.objects.order_by("id").values_list("id", "name", "org_id", "id_number_index", "status")),
        list(Position.objects.order_by("id").values_list("org_id", "person_id", "title", "end_date")),
        list(User.objects.order_by("username").values_list("username", "role", "org__code", "person_id")),
    )


def assert_invariants():
    orgs = {org.pk: org for org in Org.objects.all()}
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        assert org.path == (parent.path if parent else "") + path_segment(org.pk)
        assert org.depth == (parent.depth + 1 if parent else 0)
        assert parent is None or org.level > parent.level
        expected = dict.fromkeys(ANCESTRY)
        node = org
        while node is not None:
            column = ANCESTRY_COLUMNS.get(node.level)
            if column:
                expected[f"{column}_id"] = node.pk
            node = orgs.get(node.parent_id)
        assert {c: getattr(org, c) for c in ANCESTRY} == expected, org.name
        assert org.pinyin and org.pinyin_initials
        assert org.term_start is None or org.term_end > org.term_start
    assert len({org.code for org in orgs.values()}) == len(orgs)

    regions = {org.pk: org.division_code for org in orgs.values() if org.level == Level.COUNTY}
    for person in Person.objects.all():
        org = orgs[person.org_id]
        assert {c: getattr(person, c) for c in ANCESTRY} == {c: getattr(org, c) for c in ANCESTRY}
        validate_id_number(person.id_number)
        assert person.id_number.startswith(regions.get(person.county_id, "422801"))
        assert person.id_number_index == blind_index(person.id_number)
        assert person.phone_index == blind_index(person.phone)
        person.full_clean(exclude=["org", *ANCESTRY_COLUMNS.values()], validate_unique=False,
                          validate_constraints=False)
        assert person.pinyin_initials
    assert Person.objects.filter(id_number_index="").count() == 0

    positions = list(Position.objects.select_related("person"))
    for position in positions:
        org = orgs[position.org_id]
        assert {c: getattr(position, c) for c in ANCESTRY} == {c: getattr(org, c) for c in ANCESTRY}
        assert position.end_date is None or position.end_date >= position.start_date
        if position.end_date is None:
            assert position.person.status == "normal" and position.person.category == "full"
            assert position.start_date >= position.person.full_member_on
    secretaries = Counter(p.org_id for p in positions if p.title == "secretary" and p.end_date is None)
    assert max(secretaries.values()) == 1
    without = len(orgs) - len(secretaries)
    assert 0 < without < len(orgs) * 0.06

    for transfer in Transfer.objects.select_related("person"):
        org = orgs[transfer.org_id]
        assert {c: getattr(transfer, c) for c in ANCESTRY} == {c: getattr(org, c) for c in ANCESTRY}
        assert transfer.person.joined_on <= transfer.transferred_on
        assert transfer.from_org_id != transfer.org_id


def login(username):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": demo_data.DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


def test_full_demo_loads_valid_data_and_working_accounts():
    output = demo()
    assert demo_data.DEMO_PASSWORD in output and "wujiatai" in output

    n = counts()
    assert 800 <= n["Org"] <= 1500 and 3000 <= n["Person"] <= 6000 and n["Transfer"] > 10
    assert Org.objects.filter(level=Level.PREFECTURE).get().code == "4228"
    assert sorted(Org.objects.filter(level=Level.COUNTY).values_list("division_code", flat=True)) == [
        "422801", "422802", "422822", "422823", "422825", "422826", "422827", "422828"]
    wujiatai = Org.objects.get(name__startswith="中共伍家台村")
    assert wujiatai.parent.name == "中共万寨乡委员会"
    assert wujiatai.parent.parent.name == "中共宣恩县委"
    assert wujiatai.children.count() == 3

    assert_invariants()
    people = Person.objects.all()
    assert 0.6 < people.filter(gender="M").count() / people.count() < 0.8
    assert set(people.values_list("ethnicity", flat=True)) >= {"15", "01", "06", "12", "14"}
    assert 0.02 < people.filter(category="probationary").count() / people.count() < 0.07
    assert people.filter(status="mobile").exists() and people.filter(status="deceased").exists()

    expected = {
        "zhou": ("org_dept", "中共恩施州委"), "badong": ("org_dept", "中共巴东县委"),
        "badong_shuji": ("leader", "中共巴东县委"), "badong_buzhang": ("org_dept", "中共巴东县委"),
        "xuanen": ("org_dept", "中共宣恩县委"), "lichuan": ("org_dept", "中共利川市委"),
        "laifeng": ("org_dept", "中共来凤县委"), "wanzhai": ("township", "中共万寨乡委员会"),
        "xinling": ("township", "中共信陵镇委员会"), "wujiatai": ("secretary", wujiatai.name),
        "wujiatai_dy": ("member", wujiatai.name), "zhou_dangxiao": ("trainer", "中共恩施州委"),
        "jianshi_dangxiao": ("trainer", "中共建始县委"), "sysadmin": ("sysadmin", "中共恩施州委"),
        "secadmin": ("secadmin", "中共恩施州委"), "auditor": ("auditor", "中共恩施州委"),
    }
    assert set(expected) | {"xinling_cun"} == {account.username for account in demo_data.DEMO_ACCOUNTS}
    for username, (role, org_name) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.org.name) == (role, org_name)
        assert user.name and not user.must_change_password
        client = login(username)
        assert int(client.session["_auth_user_id"]) == user.pk

    def holds(username, title):
        user = User.objects.get(username=username)
        assert user.name == user.person.name
        return Position.objects.filter(org=user.org, person=user.person, title=title, end_date__isnull=True).exists()

    # accounts linked to people are found from the records: the holder of the post, or a member without one
    assert holds("wujiatai", "secretary") and holds("badong_shuji", "secretary") and holds("badong_buzhang", "minister")
    assert holds("xinling_cun", "secretary")
    assert User.objects.get(username="xinling_cun").org.parent.name == "中共信陵镇委员会"
    member = User.objects.get(username="wujiatai_dy").person
    assert member.village_id == wujiatai.pk and not member.positions.filter(end_date__isnull=True).exists()
    assert Org.objects.filter(name__in=["州委党校机关党支部", "建始县委党校机关党支部"]).count() == 2

    # bulk inserts bypass the services: the summary table of the upper levels is rebuilt after the load
    assert_summary_matches_facts()

    entry = AuditEntry.objects.get(action="demo.load")
    assert entry.after["orgs"] == n["Org"] and entry.after["people"] == n["Person"]
    assert audit.verify() is None


def test_force_reload_is_deterministic_and_keeps_the_audit_log():
    demo("--scale", "small")
    first_counts, first = counts(), snapshot()
    assert_invariants()
    client = login("zhou")  # leaves a session and audit entries naming the account
    Token.objects.create(user=User.objects.get(username="badong"))
    entries = AuditEntry.objects.count()
    loaded = AuditEntry.objects.filter(action="demo.load").count()  # apps' demo records are audited too

    demo("--scale", "small", "--force")
    assert counts() == first_counts
    assert snapshot() == first
    assert Session.objects.count() == 0 and Token.objects.count() == 0
    assert AuditEntry.objects.count() > entries  # nothing removed from the log
    assert AuditEntry.objects.filter(action="demo.load").count() == loaded + 1
    assert audit.verify() is None
    assert client.get(reverse("home")).status_code == 302  # the old session is gone

    # ids were given explicitly: the sequences continue above them (PostgreSQL)
    zhou = Org.objects.get(code="4228")
    org = services.org_create(actor=None, parent=zhou, name="测试机关党支部", code="T1", level=Level.BRANCH,
                              kind=Org.Kind.BRANCH)
    assert org.pk > max(Org.objects.exclude(pk=org.pk).values_list("pk", flat=True))


def test_refuses_a_non_empty_database_without_force():
    demo("--scale", "small")
    before, entries = snapshot(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match="--force"):
        demo("--scale", "small")
    assert snapshot() == before and AuditEntry.objects.count() == entries


def test_if_empty_loads_once_then_does_nothing():
    assert "Enshi@2012" in demo("--scale", "small", "--if-empty")
    before, entries = snapshot(), AuditEntry.objects.count()
    again = demo("--if-empty")  # changes nothing, but reminds the accounts (make run prints them every time)
    assert "Enshi@2012" in again and "Demo prefecture loaded" not in again
    assert snapshot() == before and AuditEntry.objects.count() == entries


def test_if_empty_and_force_exclude_each_other():
    with pytest.raises(CommandError):
        demo("--force", "--if-empty")


def test_apps_contribute_their_demo_records_through_their_services():
    """The test app's demo.py (core/tests/contract_app) runs after the tree and accounts, inside the load, and its
    records reach the summary table's rebuild; contributions are ordered by AFTER."""
    from dangjian.core.tests.contract_app.models import Sample
    from dangjian.demo import registry

    output = demo()
    assert "samples: 1" in output
    sample = Sample.objects.get()
    assert sample.org.name == "中共巴东县委" and sample.due_on.year == registry.REPORT_YEAR
    assert AuditEntry.objects.filter(action="sample.create", actor__username="badong").exists()
    assert_summary_matches_facts()
    labels = [label for label, _module in registry.contributions()]
    assert "contract_app" in labels


def test_demo_contributions_run_after_the_apps_they_name(monkeypatch):
    import types

    from dangjian.demo import registry

    later = types.SimpleNamespace(AFTER=("first",), build=lambda world: {})
    first = types.SimpleNamespace(build=lambda world: {})
    modules = {"dangjian.core.demo": later, "dangjian.orgs.demo": first}
    configs = [types.SimpleNamespace(name="dangjian.core", label="later"),
               types.SimpleNamespace(name="dangjian.orgs", label="first")]
    monkeypatch.setattr(registry.apps, "get_app_configs", lambda: configs)
    monkeypatch.setattr(registry.importlib, "import_module", lambda name: modules[name])
    assert [label for label, _ in registry.contributions()] == ["first", "later"]
    later.AFTER = ("later",)
    with pytest.raises(ValueError, match="cycle"):
        registry.contributions()
