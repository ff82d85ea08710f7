"""Browser journeys of large exports (Playwright, desktop and phone): the job page's progress bar follows the job
through htmx polling until the download button appears; the people list's export menu asks for a reason before
an export with full ID numbers."""

import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.conftest import PASSWORD, assert_no_horizontal_scroll, make_person, screenshot
from dangjian.core.models import Job


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def saved(download, folder):
    assert download.suggested_filename.endswith(".xlsx")
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


@pytest.fixture
def members(tree):
    return [make_person(tree["wujiatai"], name=name) for name in ("向明华", "田秀英", "覃春兰")]


@pytest.mark.browser
def test_progress_bar_polls_until_the_download_appears(browser_page, live_server, users, members, settings,
                                                       tmp_path):
    page = browser_page
    settings.EXPORT_JOB_THRESHOLD = 1
    log_in(page, live_server, "xuanen")
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="导出 Excel").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    job = Job.objects.get()
    expect(page.get_by_role("heading", name="党员")).to_be_visible()

    # Pretend the worker is half-way: the fragment polls and shows it, then shows the download when done.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=1, total=3)
    page.reload()
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "33")
    expect(page.get_by_text("已处理 1 / 3 行")).to_be_visible()
    screenshot(page, "job-progress")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=3, finished_at=timezone.now())
    download_link = page.get_by_role("link", name="下载")
    expect(download_link).to_be_visible(timeout=5000)
    expect(page.get_by_text("已完成：共 3 行。")).to_be_visible()
    screenshot(page, "job-done")
    with page.expect_download() as info:
        download_link.click()
    sheet = openpyxl.load_workbook(saved(info.value, tmp_path)).active
    assert sheet["A1"].value.startswith("党员　中共宣恩县委") and sheet.freeze_panes == "A3"
    assert sorted(r[0] for r in sheet.iter_rows(min_row=3, values_only=True)) == ["向明华", "田秀英", "覃春兰"]


@pytest.mark.browser
def test_export_with_full_id_numbers_asks_for_a_reason(browser_page, live_server, users, members, tmp_path):
    page = browser_page
    log_in(page, live_server, "xuanen")
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("button", name="更多导出方式").click()
    reason = page.get_by_label("导出完整身份证号的原因")
    expect(reason).to_be_visible()
    screenshot(page, "people-export-menu")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    reason.fill("核对党籍信息")
    with page.expect_download() as info:
        page.get_by_role("button", name="导出完整身份证号").click()
    sheet = openpyxl.load_workbook(saved(info.value, tmp_path)).active
    ids = {r[4] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert ids == {m.id_number for m in members}
