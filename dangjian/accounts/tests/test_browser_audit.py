"""What the audit administrator, a locked-out user and an API user see, in headless Chromium (desktop, phone)."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.accounts.tests.test_browser_login import log_in
from dangjian.conftest import assert_no_horizontal_scroll, make_person, screenshot
from dangjian.core.models import AuditEntry
from dangjian.orgs import services as org_services


def _no_sideways_scroll_on_a_phone(page):
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)


@pytest.mark.browser
def test_auditor_finds_login_entries_by_label_and_reads_a_change(browser_page, live_server, tree, users):
    page = browser_page
    person = make_person(tree["wujiatai"], users["xuanen_admin"], name="向秀英", male=False)
    org_services.person_update(actor=users["xuanen_admin"], person=person, name="向秀瑛", status="mobile")
    log_in(page, live_server, "wanzhai", "Wrong#2024")  # a failed login, then the auditor's own login
    log_in(page, live_server, "auditor")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/accounts/audit/")
    table = page.locator("table")
    expect(table.get_by_text("向秀瑛")).to_be_visible()
    expect(table).not_to_contain_text("orgs.person")
    page.get_by_label("操作", exact=True).fill("登录")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"action_label="))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)  # the failed login and the auditor's login, nothing else
    expect(table).to_contain_text("登录失败")
    expect(table).not_to_contain_text("向秀瑛")
    screenshot(page, "audit-list-login-filter")
    _no_sideways_scroll_on_a_phone(page)

    entry = AuditEntry.objects.get(action="person.update")
    page.goto(f"{live_server.url}/accounts/audit/{entry.seq}/")
    changes = page.get_by_test_id("audit-changes")
    name_row = changes.locator("tr", has=page.get_by_text("姓名", exact=True))
    expect(name_row).to_contain_text("向秀英")
    expect(name_row).to_contain_text("向秀瑛")
    expect(changes.locator("tr", has=page.get_by_text("状态", exact=True))).to_contain_text("流动")
    unchanged = page.get_by_test_id("audit-unchanged")
    expect(unchanged.get_by_text("中共伍家台村支部委员会").first).to_be_hidden()  # unchanged: behind a summary
    unchanged.locator("summary").click()
    expect(unchanged.locator("tr", has=page.get_by_text("组织", exact=True))).to_contain_text("中共伍家台村支部委员会")
    expect(page.get_by_test_id("audit-object")).to_have_text(re.compile(r"人员\s+向秀瑛"))
    expect(page.get_by_text("上一条哈希")).to_be_visible()
    raw = page.locator("details pre").first
    expect(raw).to_be_hidden()  # the raw JSON waits behind its summary
    page.get_by_text("原始数据（JSON）").click()
    expect(raw).to_be_visible()
    assert person.id_number not in page.content()
    screenshot(page, "audit-detail-change")
    _no_sideways_scroll_on_a_phone(page)


@pytest.mark.browser
@pytest.mark.parametrize("username", ["wanzhai", "nobody-here"])
def test_lockout_says_until_when_for_any_username(browser_page, live_server, users, username):
    page = browser_page
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(14, 4, 30)))
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            log_in(page, live_server, username, "Wrong#2024")
            expect(page.get_by_role("alert")).to_have_text("用户名或密码错误。")
        log_in(page, live_server, username, "Wrong#2024")
        expect(page.get_by_role("alert")).to_have_text("该账号已暂时锁定，请于 14:35 后重试。")
        log_in(page, live_server, username)  # the right password for wanzhai: still locked
        expect(page.get_by_role("alert")).to_have_text("该账号已暂时锁定，请于 14:35 后重试。")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    screenshot(page, f"login-locked-{'existing' if username == 'wanzhai' else 'unknown'}")
    _no_sideways_scroll_on_a_phone(page)


@pytest.mark.browser
def test_api_docs_open_in_the_frame_from_the_account_menu(browser_page, live_server, users):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, "wanzhai")
    page.wait_for_url(f"{live_server.url}/")
    if page.viewport_name == "phone":
        page.get_by_role("link", name="我的账号").click()
        page.get_by_role("link", name="接口文档").click()
    else:
        page.locator("header").get_by_role("link", name="我的账号").click()
        page.locator("header").get_by_role("link", name="接口文档").click()
    page.wait_for_url(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("党建“三抓三促”工作平台 API")
    expect(page.locator(".swagger-ui .info")).to_contain_text("登录")
    expect(page.locator(".swagger-ui").get_by_text("账号管理（系统管理员）")).to_be_visible(timeout=30000)
    expect(page.get_by_role("heading", name="接口文档")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    screenshot(page, "api-docs")
    # The way back: the breadcrumb's home link.
    page.get_by_role("link", name="首页").first.click()
    page.wait_for_url(f"{live_server.url}/")
