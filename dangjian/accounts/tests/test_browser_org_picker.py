"""Browser journey: the account form picks the organization with the platform's one organization picker (search,
radio inputs), and keeps the pick after a validation error; desktop and phone size."""

import re

import pytest
from playwright.sync_api import expect

from dangjian.accounts.models import User
from dangjian.conftest import assert_no_horizontal_scroll, screenshot
from dangjian.orgs.tests.test_browser_journeys import log_in

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Xuanen@2026!"


def test_new_account_picks_its_organization(browser_page, live_server, tree, users):
    page = browser_page
    log_in(page, live_server, "badong_sysadmin")
    page.goto(f"{live_server.url}/accounts/users/new/")
    page.get_by_label("用户名").fill("yunlong-sj")
    page.get_by_label("姓名").fill("谭云龙")
    page.get_by_label("组织", exact=True).fill("云龙")
    radio = page.get_by_role("radio", name=re.compile("^中共云龙河村支部委员会"))
    expect(radio).to_be_visible()
    expect(page.get_by_text("中共信陵镇委员会").first).to_be_visible()  # its upper organization
    radio.check()
    page.get_by_label("角色").select_option("secretary")
    page.get_by_label("临时密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认临时密码").fill(NEW_PASSWORD + "x")
    screenshot(page, "picker-account-form")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_role("radio", name="中共云龙河村支部委员会")).to_be_checked()
    screenshot(page, "picker-account-kept")
    page.get_by_label("临时密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认临时密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/accounts/users/\d+/$"))
    assert User.objects.get(username="yunlong-sj").org_id == tree["yunlong"].pk
