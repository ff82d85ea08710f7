"""Background jobs: lifecycle and progress, the polling fragment, download only by the requester and only
before expiry (404 otherwise, audited), purge; and list exports above the threshold running as jobs."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.conftest import make_person
from dangjian.core import audit, jobs
from dangjian.core.models import AuditEntry, Job

SEEN = []


@jobs.runner
def sample_runner(*, job, progress, out):
    """Writes one line per item and records what the job row said half-way."""
    items = job.params["items"]
    progress(0, total=len(items), message="开始")
    for index, item in enumerate(items, 1):
        out.write(f"{item}\n".encode())
        progress(index, force=index == 2)
        if index == 2:
            row = Job.objects.get(pk=job.pk)
            SEEN.append((row.status, row.done, row.total, row.message))
    return "结果.txt", "text/plain; charset=utf-8"


@jobs.runner
def failing_runner(*, job, progress, out):
    out.write(b"partial")
    raise RuntimeError("boom")


def not_a_runner(*, job, progress, out):  # not marked: a job may not name it
    return "x", "text/plain"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def done_job(users):
    return jobs.start(requester=users["xuanen_admin"], runner=sample_runner, label="测试任务",
                      params={"items": ["甲", "乙", "丙"]})


# --- lifecycle ---------------------------------------------------------------------------------------------------


def test_job_runs_reports_progress_and_keeps_its_file(users, done_job, settings):
    job = done_job
    assert SEEN[-1] == ("running", 2, 3, "开始")
    assert job.status == Job.Status.DONE and (job.done, job.total) == (3, 3) and job.percent == 100
    assert job.requester == users["xuanen_admin"] and job.kind == "dangjian.core.tests.test_jobs.sample_runner"
    assert job.download_name == "结果.txt" and job.finished_at is not None
    assert job.expires_at - job.finished_at == settings.JOB_RESULT_TTL == datetime.timedelta(hours=24)
    path = jobs.file_path(job)
    assert path.parent == settings.JOBS_DIR and path.read_text() == "甲\n乙\n丙\n"
    assert path.stat().st_mode & 0o077 == 0  # readable by the application only


def test_failed_job_keeps_no_file_and_says_so(users):
    job = jobs.start(requester=users["xuanen_admin"], runner=failing_runner, label="失败任务")
    assert job.status == Job.Status.FAILED and job.finished_at is not None and job.file_name == ""
    assert not list(jobs.jobs_dir().glob(job.pk.hex))
    html = client_for(users["xuanen_admin"]).get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "任务失败" in html and "hx-get" not in html
    assert client_for(users["xuanen_admin"]).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_only_marked_runners_can_be_started(users):
    with pytest.raises(ValueError, match="not a module-level"):
        jobs.start(requester=users["xuanen_admin"], runner=not_a_runner, label="x")
    assert not Job.objects.exists()


def test_a_job_runs_once(users, done_job):
    jobs.run_job.call(str(done_job.pk))  # a second delivery of the task does nothing
    done_job.refresh_from_db()
    assert done_job.status == Job.Status.DONE and jobs.file_path(done_job).exists()


def test_disabled_requester_gets_no_file(users):
    job = Job.objects.create(requester=users["wanzhai"], kind="dangjian.core.tests.test_jobs.sample_runner",
                             label="x", params={"items": ["a"]}, expires_at=timezone.now())
    users["wanzhai"].is_active = False
    users["wanzhai"].save()
    jobs.run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.file_name == ""


# --- the page and its polling fragment --------------------------------------------------------------------------


def test_fragment_polls_while_running_and_stops_when_done(users, done_job):
    client = client_for(users["xuanen_admin"])
    Job.objects.filter(pk=done_job.pk).update(status=Job.Status.RUNNING, done=1, total=4)
    html = client.get(reverse("jobs:progress", args=[done_job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:progress", args=[done_job.pk])}"' in html and 'hx-trigger="every 1s"' in html
    assert 'class="progress-bar"' in html and 'aria-valuenow="25"' in html and "1 / 4" in html
    Job.objects.filter(pk=done_job.pk).update(status=Job.Status.QUEUED)
    assert "progress-bar-indeterminate" in client.get(reverse("jobs:progress", args=[done_job.pk])).content.decode()
    Job.objects.filter(pk=done_job.pk).update(status=Job.Status.DONE, done=3, total=3)
    html = client.get(reverse("jobs:progress", args=[done_job.pk])).content.decode()
    assert "hx-get" not in html and reverse("jobs:download", args=[done_job.pk]) in html and "共 3 行" in html
    page = client.get(reverse("jobs:detail", args=[done_job.pk])).content.decode()
    assert "测试任务" in page and reverse("jobs:download", args=[done_job.pk]) in page
    listing = client.get(reverse("jobs:list")).content.decode()
    assert "测试任务" in listing


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:progress", "jobs:download"])
def test_other_users_get_404(users, done_job, name):
    for persona in ("badong_admin", "zhou_admin", "leader", "auditor"):
        assert client_for(users[persona]).get(reverse(name, args=[done_job.pk])).status_code == 404
    assert "测试任务" not in client_for(users["zhou_admin"]).get(reverse("jobs:list")).content.decode()


# --- download ------------------------------------------------------------------------------------------------


def test_download_by_the_requester_is_audited(users, done_job):
    response = client_for(users["xuanen_admin"]).get(reverse("jobs:download", args=[done_job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "甲\n乙\n丙\n"
    assert "attachment" in response["Content-Disposition"] and "filename*=utf-8''" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="job.download")
    assert entry.actor_id == users["xuanen_admin"].pk and entry.outcome == "success"
    assert entry.object_id == str(done_job.pk) and entry.after == {"file": "结果.txt", "rows": 3}


def test_download_by_someone_else_is_404_and_audited_as_denied(users, done_job):
    assert client_for(users["badong_admin"]).get(reverse("jobs:download", args=[done_job.pk])).status_code == 404
    entry = AuditEntry.objects.get(action="job.download")
    assert entry.outcome == "denied" and entry.actor_id == users["badong_admin"].pk
    assert entry.after == {"expired": False, "requester": False}


def test_download_after_expiry_is_404(users, done_job):
    with time_machine.travel(done_job.expires_at + datetime.timedelta(seconds=1)):
        client = client_for(users["xuanen_admin"])
        assert client.get(reverse("jobs:download", args=[done_job.pk])).status_code == 404
        html = client.get(reverse("jobs:progress", args=[done_job.pk])).content.decode()
        assert "已过期" in html and reverse("jobs:download", args=[done_job.pk]) not in html
        assert "测试任务" not in client.get(reverse("jobs:list")).content.decode()
    entry = AuditEntry.objects.get(action="job.download")
    assert entry.outcome == "denied" and entry.after == {"expired": True, "requester": True}
    with time_machine.travel(done_job.expires_at - datetime.timedelta(seconds=5)):
        client = client_for(users["xuanen_admin"])
        assert client.get(reverse("jobs:download", args=[done_job.pk])).status_code == 200


def test_anonymous_is_sent_to_login(done_job):
    response = Client().get(reverse("jobs:download", args=[done_job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_purge_deletes_expired_jobs_and_their_files(users, done_job):
    fresh = jobs.start(requester=users["xuanen_admin"], runner=sample_runner, label="新任务", params={"items": []})
    stray = jobs.jobs_dir() / "stray"
    stray.write_bytes(b"x")
    old_path = jobs.file_path(done_job)
    Job.objects.filter(pk=done_job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    out = io.StringIO()
    call_command("jobs_purge", stdout=out)
    assert "1 expired" in out.getvalue()
    assert not Job.objects.filter(pk=done_job.pk).exists() and not old_path.exists() and not stray.exists()
    assert Job.objects.filter(pk=fresh.pk).exists() and jobs.file_path(fresh).exists()


# --- large exports run as jobs ----------------------------------------------------------------------------------


@pytest.fixture
def members(tree):
    return [make_person(tree["wujiatai"], name=name) for name in ("向明华", "田秀英", "覃春兰")] + [
        make_person(tree["yunlong"], name="谭国平")]  # 巴东县: outside 宣恩县's scope


def test_export_over_the_threshold_becomes_a_job(users, members, settings):
    settings.EXPORT_JOB_THRESHOLD = 2
    client = client_for(users["xuanen_admin"])
    response = client.get(reverse("orgs:person_export"), {"sort": "name", "gender": "", "format": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "dangjian.core.tabular.run_export" and job.label == "党员"
    assert job.params == {"exporter": "dangjian.orgs.views.people.person_exporter", "format": "xlsx",
                          "query": {"sort": ["name"], "gender": [""]}, "options": {}}
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    page = client.get(response["Location"]).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page

    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert job.download_name.startswith("党员名册-") and job.download_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet["A1"].value.startswith("党员　中共宣恩县委　导出时间：")
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:M5"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == ("姓名", "性别")
    assert sorted(r[0] for r in rows[1:]) == ["向明华", "田秀英", "覃春兰"]  # scoped to the requester: no 谭国平
    assert all("*" in r[4] for r in rows[1:])  # ID numbers masked
    assert sheet["D3"].number_format == "yyyy-mm-dd"

    export_entry = AuditEntry.objects.get(action="person.export")
    assert export_entry.actor_id == users["xuanen_admin"].pk
    assert export_entry.after == {"rows": 3, "format": "xlsx", "filter": {"sort": ["name"], "gender": [""]},
                                  "job": str(job.pk)}
    assert AuditEntry.objects.get(action="job.download").outcome == "success"
    assert audit.verify() is None


def test_export_at_the_threshold_stays_in_the_request(users, members, settings):
    settings.EXPORT_JOB_THRESHOLD = 3
    response = client_for(users["xuanen_admin"]).get(reverse("orgs:person_export"))
    assert response.status_code == 200 and not Job.objects.exists()


@pytest.mark.parametrize(("url", "persona", "expected"), [
    ("orgs:export", "xuanen_admin", ["中共宣恩县委", "中共万寨乡委员会", "中共晓关侗族乡委员会"]),
    ("accounts:user_export", "sysadmin", ["auditor", "badong"]),
    ("accounts:audit_export", "auditor", None),
])
def test_every_list_export_can_run_as_a_job(users, tree, settings, url, persona, expected):
    settings.EXPORT_JOB_THRESHOLD = 1
    client = client_for(users[persona])
    response = client.get(reverse(url), {"format": "csv"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.DONE and job.download_name.endswith(".csv")
    text = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content).decode("utf-8-sig")
    if expected:
        assert all(name in text for name in expected)
    assert job.done == len(text.strip().splitlines()) - 1


def test_job_rebuilds_the_scope_of_the_requester_at_run_time(users, members, settings):
    """The job names the requester, not a queryset: when it runs it sees what the requester may see then."""
    settings.EXPORT_JOB_THRESHOLD = 0
    job = Job.objects.create(
        requester=users["wanzhai"], kind="dangjian.core.tabular.run_export", label="x", expires_at=timezone.now(),
        params={"exporter": "dangjian.orgs.views.people.person_exporter", "format": "csv", "options": {},
                "query": {"org": [str(members[3].org_id)]}},  # 云龙河 (巴东县): not 万寨乡's
    )
    jobs.run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == 0
    assert "谭国平" not in jobs.file_path(job).read_text(encoding="utf-8-sig")


def test_exporter_checks_the_capability_when_the_job_runs(users, settings):
    job = Job.objects.create(
        requester=users["member"], kind="dangjian.core.tabular.run_export", label="x", expires_at=timezone.now(),
        params={"exporter": "dangjian.accounts.views.audit_exporter", "format": "xlsx", "options": {}, "query": {}},
    )
    jobs.run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not AuditEntry.objects.filter(action="audit.export").exists()


def test_a_job_cannot_name_a_function_that_is_not_an_exporter(users):
    job = Job.objects.create(
        requester=users["zhou_admin"], kind="dangjian.core.tabular.run_export", label="x", expires_at=timezone.now(),
        params={"exporter": "os.system", "format": "csv", "options": {}, "query": {}},
    )
    jobs.run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_job_list_query_count_does_not_grow(users, django_assert_max_num_queries):
    owner = users["xuanen_admin"]
    for index in range(5):
        jobs.start(requester=owner, runner=sample_runner, label=f"任务{index}", params={"items": ["x"]})
    client = client_for(owner)
    client.get(reverse("jobs:list"))  # warm the session
    with django_assert_max_num_queries(8):
        html = client.get(reverse("jobs:list")).content.decode()
    assert all(f"任务{i}" in html for i in range(5))
