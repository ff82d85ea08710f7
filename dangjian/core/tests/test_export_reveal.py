"""Exports with clear ID numbers: only roles with person.reveal, only with a reason (at least 4 characters);
the audit entry records the reason, the filter and the row count; a refusal is 403 and audited as denied."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.conftest import make_person
from dangjian.core import jobs
from dangjian.core.models import AuditEntry, Job

REASON = "核对党籍信息"


@pytest.fixture
def members(tree):
    return {
        "xiang": make_person(tree["wujiatai"], name="向明华"),
        "tian": make_person(tree["wujiatai_b1"], name="田秀英"),
        "tan": make_person(tree["yunlong"], name="谭国平"),  # 巴东县
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def export_url(**query):
    from urllib.parse import urlencode

    return reverse("orgs:person_export") + ("?" + urlencode(query) if query else "")


def sheet_rows(content):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=3, values_only=True))


def test_reveal_export_has_clear_ids_and_audits_reason_filter_and_rows(users, members, tree):
    response = client_for(users["xuanen_admin"]).post(export_url(org=tree["wujiatai"].pk, sort="name"),
                                                      {"reason": f"  {REASON} "})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    by_name = {row[0]: row for row in sheet_rows(response.content)}
    assert set(by_name) == {"向明华", "田秀英"}
    assert by_name["向明华"][4] == members["xiang"].id_number
    assert by_name["向明华"][5] != members["xiang"].phone and "*" in by_name["向明华"][5]  # phones stay masked
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.outcome == "success" and entry.actor_id == users["xuanen_admin"].pk
    assert entry.after == {"rows": 2, "format": "xlsx", "clear_id_numbers": True, "reason": REASON,
                           "filter": {"org": [str(tree["wujiatai"].pk)], "sort": ["name"]}}


def test_ordinary_export_is_masked_and_records_filter_and_rows(users, members):
    response = client_for(users["xuanen_admin"]).get(export_url(q="向"))
    rows = sheet_rows(response.content)
    assert [r[0] for r in rows] == ["向明华"] and rows[0][4] != members["xiang"].id_number
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.after == {"rows": 1, "format": "xlsx", "filter": {"q": ["向"]}}


@pytest.mark.parametrize("reason", ["", "   ", "abc", "原因"])
def test_reveal_needs_a_reason_of_four_characters(users, members, reason):
    response = client_for(users["xuanen_admin"]).post(export_url(sort="name"), {"reason": reason}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:person_list") + "?sort=name"
    html = response.content.decode()
    assert "原因至少需要 4 个字。" in html or "请填写导出完整身份证号的原因。" in html
    assert not AuditEntry.objects.filter(action="person.export").exists()


@pytest.mark.parametrize("persona", ["leader", "wanzhai", "wujiatai"])
def test_without_person_reveal_the_request_is_403_and_audited_as_denied(users, members, persona):
    response = client_for(users[persona]).post(export_url(q="向"), {"reason": REASON})
    assert response.status_code == 403
    assert members["xiang"].id_number not in response.content.decode()
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.outcome == "denied" and entry.actor_id == users[persona].pk
    assert entry.after == {"clear_id_numbers": True, "filter": {"q": ["向"]}}


def test_refusal_comes_before_the_reason_is_examined(users, members):
    assert client_for(users["leader"]).post(export_url(), {"reason": ""}).status_code == 403


def test_anonymous_reveal_goes_to_login():
    response = Client().post(export_url(), {"reason": REASON})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_roles_with_reveal_see_the_form(users, members):
    form = 'name="reason"'
    assert form in client_for(users["xuanen_admin"]).get(reverse("orgs:person_list")).content.decode()
    html = client_for(users["leader"]).get(reverse("orgs:person_list")).content.decode()
    assert form not in html and "导出 CSV" in html


def test_large_reveal_export_runs_as_a_job_with_the_reason(users, members, settings):
    settings.EXPORT_JOB_THRESHOLD = 1
    client = client_for(users["xuanen_admin"])
    response = client.post(export_url(), {"reason": REASON})
    job = Job.objects.get()
    assert response.status_code == 302 and job.params["options"] == {"reveal": True, "reason": REASON}
    content = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert {r[4] for r in sheet_rows(content)} == {members["xiang"].id_number, members["tian"].id_number}
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.after["reason"] == REASON and entry.after["rows"] == 2 and entry.after["job"] == str(job.pk)


def test_a_reveal_job_for_a_role_without_reveal_fails_and_is_audited(users, members):
    job = Job.objects.create(
        requester=users["leader"], kind="dangjian.core.tabular.run_export", label="x", expires_at=timezone.now(),
        params={"exporter": "dangjian.orgs.views.people.person_exporter", "format": "xlsx", "query": {},
                "options": {"reveal": True, "reason": REASON}},
    )
    jobs.run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.file_name == ""
    assert AuditEntry.objects.get(action="person.export").outcome == "denied"
