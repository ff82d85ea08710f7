"""Issue 6, finding 2: each audit entry names the organization it concerns, and an audit administrator reads
the entries of their own subtree only; the installation's top-level audit administrator reads every entry."""

import csv
import io

import pytest
from django.urls import reverse

from dangjian.conftest import make_person, make_user
from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.core.permissions import Role
from dangjian.orgs import services as org_services


@pytest.fixture
def log(tree, users):
    """Entries about 巴东, about 宣恩 (a member record), about the prefecture and about nothing at all."""
    badong_person = make_person(tree["yunlong"])
    xuanen_person = make_person(tree["wujiatai"])
    return {
        "badong": AuditEntry.objects.filter(action="person.create", object_id=str(badong_person.pk)).get(),
        "xuanen": AuditEntry.objects.filter(action="person.create", object_id=str(xuanen_person.pk)).get(),
        "zhou": audit.record("test.event", obj=tree["zhou"]),
        "none": audit.record("test.event", object_type="test.thing", object_id="1"),
    }


@pytest.fixture
def badong_auditor(client, tree, users):
    client.force_login(make_user(tree["badong"], Role.AUDITOR, "badong_auditor"))
    return client


def test_each_entry_records_the_organization_it_concerns(tree, users, log):
    assert log["badong"].org_id == tree["yunlong"].pk
    assert log["xuanen"].org_id == tree["wujiatai"].pk
    assert log["zhou"].org_id == tree["zhou"].pk  # an Org: itself
    assert log["none"].org_id is None
    # no object: the actor's organization; an explicit org wins
    assert audit.record("test.event", actor=users["wanzhai"]).org_id == tree["wanzhai"].pk
    assert audit.record("test.event", actor=users["wanzhai"], org=tree["badong"]).org_id == tree["badong"].pk
    # a user: that user's organization
    assert audit.record("test.event", obj=users["xiaohe"]).org_id == tree["xiaohe"].pk


def test_login_is_filed_under_the_users_organization(client, tree, users):
    from dangjian.conftest import PASSWORD

    client.post(reverse("accounts:login"), {"username": "xiaohe", "password": PASSWORD})
    assert AuditEntry.objects.filter(action="auth.login").latest("seq").org_id == tree["xiaohe"].pk


def test_county_auditor_reads_only_their_subtree(badong_auditor, log):
    seqs = {e.seq for e in badong_auditor.get(reverse("accounts:audit_list")).context["page"]}
    assert log["badong"].seq in seqs
    assert not seqs & {log["xuanen"].seq, log["zhou"].seq, log["none"].seq}
    for key in ("xuanen", "zhou", "none"):
        assert badong_auditor.get(reverse("accounts:audit_detail", args=[log[key].seq])).status_code == 404
    assert badong_auditor.get(reverse("accounts:audit_detail", args=[log["badong"].seq])).status_code == 200


def test_county_auditors_export_holds_only_their_subtree(badong_auditor, log):
    response = badong_auditor.get(reverse("accounts:audit_export"), {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    seqs = {row[0] for row in rows[1:]}
    assert str(log["badong"].seq) in seqs
    assert not seqs & {str(log["xuanen"].seq), str(log["zhou"].seq), str(log["none"].seq)}


def test_top_level_auditor_reads_everything(client, users, log):
    client.force_login(users["auditor"])  # at the root of the tree
    seqs = {e.seq for e in client.get(reverse("accounts:audit_list")).context["page"]}
    assert {log[key].seq for key in log} <= seqs
    assert client.get(reverse("accounts:audit_detail", args=[log["none"].seq])).status_code == 200


def test_scope_follows_the_tree_when_an_organization_moves(tree, users, log):
    """The scope is read from the tree as it is now: a township moved to 巴东 takes its entries with it."""
    badong = make_user(tree["badong"], Role.AUDITOR, "badong_auditor")
    assert not AuditEntry.objects.visible_to(badong).filter(seq=log["xuanen"].seq).exists()
    org_services.org_move(actor=users["zhou_admin"], org=tree["wanzhai"], new_parent=tree["badong"])
    assert AuditEntry.objects.visible_to(badong).filter(seq=log["xuanen"].seq).exists()


def test_only_audit_administrators_read_the_log(users, log):
    for name in ("zhou_admin", "sysadmin", "secadmin", "member"):
        assert not AuditEntry.objects.visible_to(users[name]).exists()
