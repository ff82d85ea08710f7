"""Browser journey of 三进三帮 at desktop and phone size: 万寨乡 records a 进农村 visit on the phone form and opens a
help case from it for a new household; the assigned helper (伍家台村's secretary) resolves it; 宣恩县's summary
then shows exactly one more problem solved and the household's people more helped."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, make_person, make_user, screenshot
from dangjian.core.permissions import Role
from dangjian.orgs.tests.test_browser_journeys import log_in
from dangjian.outreach import services
from dangjian.outreach.models import HelpCase, Visit

pytestmark = pytest.mark.browser


def summary_numbers(page, live_server, org):
    year = datetime.date.today().year
    page.goto(f"{live_server.url}/outreach/?org={org.pk}&from={year}-01-01&to={year}-12-31")
    read = lambda key: int(page.locator(f'[data-figure="{key}"] .h1').inner_text())  # noqa: E731
    return read("people_helped"), read("problems_solved")


def test_visit_case_resolve_and_the_summary_moves(browser_page, live_server, tree, users):
    page = browser_page
    helper = make_person(tree["wujiatai"], name="向红军")
    make_user(tree["wujiatai"], Role.SECRETARY, "wjt_helper", name="向红军", person=helper)
    earlier = services.beneficiary_create(actor=users["wanzhai"], org=tree["wujiatai"], kind="person", name="彭大爷")
    case = services.case_open(actor=users["wanzhai"], beneficiary=earlier, kind="hardship", problem="缺水",
                              opened_on=datetime.date.today().replace(month=1, day=1))
    services.case_resolve(actor=users["wanzhai"], case=case, resolution="通水")

    log_in(page, live_server, "xuanen")
    before = summary_numbers(page, live_server, tree["xuanen"])
    assert before == (1, 1)
    page.context.clear_cookies()

    # 万寨乡 on the phone form: six fields, the organization and today prefilled.
    log_in(page, live_server, "wanzhai")
    page.goto(f"{live_server.url}/outreach/visits/new/")
    page.get_by_text("进农村", exact=True).click()
    page.locator("#id_org").fill("伍家台")
    page.get_by_role("radio", name=re.compile("^中共伍家台村支部委员会")).check()
    page.get_by_label("走访对象").fill("田家")
    page.get_by_label("发现的问题").fill("房屋漏雨，老人行动不便")
    screenshot(page, "outreach-visit-form")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("走访已记录。")).to_be_visible()
    visit = Visit.objects.get(whom="田家")
    assert visit.kind == "village" and visit.org == tree["wujiatai"] and visit.visited_on == datetime.date.today()

    page.get_by_role("link", name="登记帮扶事项").click()
    page.get_by_label("问题").fill("房屋漏雨，需维修")
    page.locator("#id_new-kind").select_option("household")
    page.locator("#id_new-household_size").fill("4")
    page.get_by_label("向红军").check()
    screenshot(page, "outreach-case-form")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("帮扶事项已登记。")).to_be_visible()
    case = HelpCase.objects.get(visit=visit)
    assert case.beneficiary.name == "田家" and case.beneficiary.people == 4 and list(case.helpers.all()) == [helper]
    page.context.clear_cookies()

    # The helper resolves it.
    log_in(page, live_server, "wjt_helper")
    page.goto(f"{live_server.url}/outreach/cases/{case.pk}/")
    page.get_by_label("解决情况").fill("组织党员帮助维修屋顶")
    screenshot(page, "outreach-case-resolve")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_text("帮扶事项已办结。")).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server, "xuanen")
    after = summary_numbers(page, live_server, tree["xuanen"])
    screenshot(page, "outreach-summary")
    assert_no_horizontal_scroll(page)
    assert after == (before[0] + 4, before[1] + 1)
