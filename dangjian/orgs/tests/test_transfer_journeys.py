"""Browser journeys of 组织关系转接, at desktop and phone size: 巴东 sends a member to a 宣恩 village through the
installation-wide directory and 宣恩's administrator accepts; a transfer out of the platform prints its letter."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, make_person, screenshot
from dangjian.orgs.models import Person, Transfer
from dangjian.orgs.tests.test_browser_journeys import log_in

pytestmark = pytest.mark.browser


def test_send_to_another_county_and_accept(browser_page, live_server, tree, users):
    page = browser_page
    person = make_person(tree["yunlong"], users["badong_admin"], name="谭明远")
    log_in(page, live_server, "badong")
    page.goto(f"{live_server.url}/people/{person.pk}/transfer/")
    page.locator("#id_to_org").fill("伍家台")
    page.get_by_role("radio", name=re.compile("^中共伍家台村支部委员会")).check()
    screenshot(page, "transfer-directory")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="组织关系转接").click()
    expect(page.get_by_text("接收组织接收后生效")).to_be_visible()
    transfer = Transfer.objects.get(person=person)
    assert transfer.status == "pending"
    page.goto(f"{live_server.url}/people/transfers/")
    expect(page.get_by_role("link", name="谭明远")).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server, "xuanen")
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="转接办理").click()
    page.get_by_role("link", name="谭明远").click()
    screenshot(page, "transfer-incoming")
    assert_no_horizontal_scroll(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_text("已转入")).to_be_visible()
    person.refresh_from_db()
    assert person.org_id == tree["wujiatai"].pk


def test_transfer_out_of_the_platform_prints_the_letter(browser_page, live_server, tree, users):
    page = browser_page
    person = make_person(tree["yunlong"], users["badong_admin"], name="向远航")
    log_in(page, live_server, "badong")
    page.goto(f"{live_server.url}/people/{person.pk}/transfer/")
    page.get_by_label("本平台以外的党组织（如外省）").check()
    page.get_by_label("接收党组织名称").fill("中共杭州市西湖区某某社区委员会")
    page.get_by_label("党费交至（月份）").fill(datetime.date.today().isoformat())
    screenshot(page, "transfer-out-form")
    page.get_by_role("button", name="组织关系转接").click()
    expect(page.get_by_text("请打印组织关系介绍信")).to_be_visible()
    screenshot(page, "transfer-out-detail")
    assert_no_horizontal_scroll(page)
    link = page.get_by_role("link", name="打印介绍信")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert Person.objects.get(pk=person.pk).status == "transferred_out"
