"""Browser journey of 跟踪督办, at desktop and phone size: 万寨乡 issues a task to two villages, 伍家台村's secretary
reports with a photo, 万寨乡 closes 伍家台村's part and returns the other village's with a reason."""

import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, make_org, make_user, screenshot
from dangjian.core.permissions import Role
from dangjian.orgs.models import Level, Org
from dangjian.orgs.tests.test_browser_journeys import log_in, open_menu_entry
from dangjian.supervision import services
from dangjian.supervision.models import SupervisedTask

from .test_services import PDF

pytestmark = pytest.mark.browser


def test_issue_report_close_and_return(browser_page, live_server, tree, users, tmp_path):
    page = browser_page
    other = make_org(tree["wanzhai"], "中共龙潭村支部委员会", "422825203202", Level.VILLAGE, kind=Org.Kind.BRANCH)
    other_secretary = make_user(other, Role.SECRETARY, "longtan")

    log_in(page, live_server, "wanzhai")
    open_menu_entry(page, "下达的督办")
    page.get_by_role("link", name="下达督办事项").click()
    page.get_by_label("标题").fill("村级活动场所规范化整改")
    page.get_by_label("工作要求").fill("按“六有”标准整改，报送整改前后照片。")
    page.get_by_label("来源", exact=True).select_option("indicator")
    page.get_by_label("中共伍家台村支部委员会").check()
    page.get_by_label("中共龙潭村支部委员会").check()
    screenshot(page, "supervision-issue")
    assert_no_horizontal_scroll(page)
    page.locator("button[name=issue]").click()
    expect(page.get_by_text("督办事项已下达至 2 个单位")).to_be_visible()
    task = SupervisedTask.objects.get()
    assert set(task.assignments.values_list("org_id", flat=True)) == {tree["wujiatai"].pk, other.pk}
    page.context.clear_cookies()

    # the village secretary, on the phone too: the to-do leads to the task, the report carries a photo
    log_in(page, live_server, "wujiatai")
    page.get_by_role("link", name="报送督办进展：村级活动场所规范化整改").click()
    screenshot(page, "supervision-assignee")
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="报送进展").click()
    page.get_by_label("进展情况").fill("已完成活动场所制度上墙，照片见附件。")
    photo = tmp_path / "整改照片.pdf"
    photo.write_bytes(PDF)
    page.get_by_label("附件").set_input_files(str(photo))
    screenshot(page, "supervision-report")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("进展已报送")).to_be_visible()
    expect(page.get_by_role("link", name="整改照片.pdf")).to_be_visible()
    page.context.clear_cookies()

    services.assignment_report(actor=other_secretary, assignment=task.assignments.get(org=other),
                               content="正在整改中。")

    log_in(page, live_server, "wanzhai")
    page.goto(f"{live_server.url}/supervision/{task.pk}/")
    mine = page.locator('[data-testid="assignment"][data-org="中共伍家台村支部委员会"]')
    page.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="核验销号").click()
    expect(page.get_by_text("中共伍家台村支部委员会的督办任务已销号")).to_be_visible()
    theirs = page.locator('[data-testid="assignment"][data-org="中共龙潭村支部委员会"]')
    theirs.get_by_role("link", name="退回").click()
    page.get_by_label("退回原因").fill("未附整改照片，请补充。")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_text("已退回中共龙潭村支部委员会")).to_be_visible()
    screenshot(page, "supervision-verified")
    assert_no_horizontal_scroll(page)
    assert dict(task.assignments.values_list("org_id", "status")) == {tree["wujiatai"].pk: "closed",
                                                                      other.pk: "returned"}
