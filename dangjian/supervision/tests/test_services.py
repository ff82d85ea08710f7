"""跟踪督办 services: issuing (by people and by the platform), reporting with attachments, closing (销号) and
returning — every rule with its refusal (nothing changes) and its success."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core import attachments
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import Attachment, AuditEntry
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.supervision import services
from dangjian.supervision.models import SupervisedTask, TaskAssignment, TaskReport

from .conftest import TODAY, assignment_of, issue

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _state():
    return (
        sorted(SupervisedTask.objects.values_list("id", "title", "deadline")),
        sorted(TaskAssignment.objects.values_list("id", "status", "closed_on", "return_reason", "reported_at")),
        TaskReport.objects.count(), Attachment.objects.count(), AuditEntry.objects.count(),
    )


def refused(exception, call, message=None):
    before = _state()
    with pytest.raises(exception) as info:
        call()
    assert _state() == before
    if message is not None:
        assert message in str(info.value), info.value
    return info.value


# --- issuing ---------------------------------------------------------------------------------------------------


def test_issue_creates_one_assignment_per_org_with_ancestry(tree, users, task):
    rows = {a.org_id: a for a in task.assignments.all()}
    assert set(rows) == {tree["wujiatai"].pk, tree["xiaohe"].pk}
    village = rows[tree["wujiatai"].pk]
    assert (village.status, village.deadline, village.issued_on) == ("pending", task.deadline, TODAY)
    assert (village.county_id, village.township_id, village.village_id) == (
        tree["xuanen"].pk, tree["wanzhai"].pk, tree["wujiatai"].pk)
    assert task.issuer_org == tree["xuanen"] and task.issued_by == users["xuanen_admin"]
    entry = AuditEntry.objects.get(action="supervision.issue")
    assert entry.actor_id == users["xuanen_admin"].pk and sorted(entry.after["orgs"]) == sorted(rows)
    assert_summary_matches_facts()


def test_issue_outside_the_actors_scope_is_not_found(tree, users):
    refused(NotInScope, lambda: issue(users["xuanen_admin"], tree["xuanen"], [tree["yunlong"]]))
    refused(NotInScope, lambda: issue(users["xuanen_admin"], tree["badong"], [tree["yunlong"]]))


def test_issue_outside_the_issuers_subtree_is_refused(tree, users):
    error = refused(ValidationError, lambda: issue(users["xuanen_admin"], tree["wanzhai"], [tree["xiaohe"]]))
    assert "orgs" in error.message_dict
    # the issuer itself is not below itself
    refused(ValidationError, lambda: issue(users["xuanen_admin"], tree["xuanen"], [tree["xuanen"]]))


@pytest.mark.parametrize("field, kwargs", [
    ("deadline", {"deadline": TODAY - datetime.timedelta(days=1)}),
    ("source", {"source": "gossip"}),
    ("title", {"title": "  "}),
])
def test_issue_bad_input_is_refused(tree, users, field, kwargs):
    error = refused(ValidationError, lambda: issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"]],
                                                   **kwargs))
    assert field in error.message_dict


def test_issue_needs_organizations(tree, users):
    error = refused(ValidationError, lambda: issue(users["xuanen_admin"], tree["xuanen"], []))
    assert "orgs" in error.message_dict


def test_deadline_today_is_accepted(tree, users):
    assert issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"]], deadline=TODAY).deadline == TODAY


@pytest.mark.parametrize("who", ["wujiatai", "leader", "member", "sysadmin"])
def test_issue_needs_the_issuing_role(tree, users, who):
    refused(PermissionDenied, lambda: issue(users[who], tree["wujiatai"], [tree["wujiatai_b1"]]))


def test_township_issues_to_its_villages(tree, users):
    task = issue(users["wanzhai"], tree["wanzhai"], [tree["wujiatai"]])
    assert task.assignments.get().org == tree["wujiatai"]


def test_platform_issues_without_actor(tree, users):
    task = issue(None, tree["badong"], [tree["yunlong"]], source="rectification",
                 source_ref="stars.assessment:123")
    assert task.issued_by is None and task.source_ref == "stars.assessment:123"
    entry = AuditEntry.objects.get(action="supervision.issue")
    assert entry.actor_id is None and entry.org_id == tree["badong"].pk
    # the platform still assigns only below the issuer
    refused(ValidationError, lambda: issue(None, tree["badong"], [tree["wujiatai"]]))


# --- reporting -------------------------------------------------------------------------------------------------


def test_assignee_reports_with_attachment(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    upload = SimpleUploadedFile("整改台账.pdf", PDF)
    report = services.assignment_report(actor=users["wujiatai"], assignment=assignment, content="已召开专题会议",
                                        files=[upload])
    assignment.refresh_from_db()
    assert assignment.status == "reported" and assignment.reported_at == report.reported_at
    assert report.org == tree["wujiatai"] and report.reported_by == users["wujiatai"]
    assert [a.name for a in attachments.for_owner(report, services.EVIDENCE)] == ["整改台账.pdf"]
    assert AuditEntry.objects.filter(action="supervision.report", object_id=str(assignment.pk)).exists()


def test_township_reports_for_its_village(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    services.assignment_report(actor=users["wanzhai"], assignment=assignment, content="乡党委代为报送")
    assert TaskAssignment.objects.get(pk=assignment.pk).status == "reported"


def test_report_refusals(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    refused(NotInScope, lambda: services.assignment_report(actor=users["badong_admin"], assignment=assignment,
                                                            content="x"))
    refused(NotInScope, lambda: services.assignment_report(actor=users["xiaohe"], assignment=assignment,
                                                            content="x"))
    refused(PermissionDenied, lambda: services.assignment_report(actor=users["leader"], assignment=assignment,
                                                                  content="x"))
    # the issuing side verifies; it does not report for the assignee
    refused(PermissionDenied, lambda: services.assignment_report(actor=users["xuanen_admin"],
                                                                  assignment=assignment, content="x"))
    error = refused(ValidationError, lambda: services.assignment_report(actor=users["wujiatai"],
                                                                         assignment=assignment, content=" "))
    assert "content" in error.message_dict


def test_refused_attachment_leaves_no_report(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 100)
    refused(ValidationError, lambda: services.assignment_report(actor=users["wujiatai"], assignment=assignment,
                                                                 content="进展", files=[bad]))


# --- closing and returning -------------------------------------------------------------------------------------


def _report(users, assignment, content="已完成整改"):
    return services.assignment_report(actor=users["wujiatai"], assignment=assignment, content=content)


def test_close_needs_a_report(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    refused(ValidationError, lambda: services.assignment_close(actor=users["xuanen_admin"], assignment=assignment),
            message="承办单位尚未报送进展")


def test_close_after_report(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    _report(users, assignment)
    services.assignment_close(actor=users["xuanen_admin"], assignment=assignment)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.closed_on, assignment.closed_by) == ("closed", TODAY, users["xuanen_admin"])
    assert assignment.closed_on_time
    assert AuditEntry.objects.get(action="supervision.close").after["on_time"] is True
    assert_summary_matches_facts()
    # closed is final: no second close, no report, no return
    refused(ValidationError, lambda: services.assignment_close(actor=users["xuanen_admin"], assignment=assignment))
    refused(ValidationError, lambda: _report(users, assignment))
    refused(ValidationError, lambda: services.assignment_return(actor=users["xuanen_admin"], assignment=assignment,
                                                                 reason="再查"))


def test_prefecture_above_the_issuer_may_verify(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    _report(users, assignment)
    services.assignment_close(actor=users["zhou_admin"], assignment=assignment)
    assert TaskAssignment.objects.get(pk=assignment.pk).status == "closed"


def test_only_the_issuing_side_verifies(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    _report(users, assignment)
    for who in ("wujiatai", "wanzhai", "leader"):  # the assignee, the township above it, a read-only role
        refused(PermissionDenied, lambda who=who: services.assignment_close(actor=users[who], assignment=assignment))
        refused(PermissionDenied, lambda who=who: services.assignment_return(actor=users[who], assignment=assignment,
                                                                      reason="不行"))
    for who in ("badong_admin", "xiaohe"):
        refused(NotInScope, lambda who=who: services.assignment_close(actor=users[who], assignment=assignment))


def test_return_then_report_again_then_close(tree, users, task):
    assignment = assignment_of(task, tree["wujiatai"])
    refused(ValidationError, lambda: services.assignment_return(actor=users["xuanen_admin"], assignment=assignment,
                                                                 reason="材料不全"))
    _report(users, assignment)
    error = refused(ValidationError, lambda: services.assignment_return(actor=users["xuanen_admin"],
                                                                         assignment=assignment, reason=" "))
    assert "reason" in error.message_dict
    services.assignment_return(actor=users["xuanen_admin"], assignment=assignment, reason="材料不全，请补充会议记录")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.return_reason) == ("returned", "材料不全，请补充会议记录")
    refused(ValidationError, lambda: services.assignment_close(actor=users["xuanen_admin"], assignment=assignment))
    _report(users, assignment, "已补充会议记录")
    services.assignment_close(actor=users["xuanen_admin"], assignment=assignment)
    assert TaskAssignment.objects.get(pk=assignment.pk).status == "closed"
    assert assignment.reports.count() == 2


def test_platform_may_name_organizations_by_id(tree, users):
    task = issue(None, tree["xuanen"].pk, [tree["wujiatai"].pk, tree["xiaohe"].pk], source="rectification")
    assert task.org == tree["xuanen"] and task.assignments.count() == 2
