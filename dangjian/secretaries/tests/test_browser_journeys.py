"""Browser journeys of 抓书记 (Playwright, headless Chromium): a topic through its four steps by four accounts
(desktop); the village secretary logs a contact visit and reports progress on a phone; the county organization
department sees who is behind in the compliance view and exports it."""

import datetime
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, screenshot
from dangjian.orgs.tests.test_browser_journeys import log_in
from dangjian.secretaries import services
from dangjian.secretaries.models import ContactVisit, Topic, Undertaking

TODAY = datetime.date.today()


def log_out(page, live_server):
    page.context.clear_cookies()


@pytest.mark.browser
@pytest.mark.parametrize("browser_page", ["desktop"], indirect=True)  # the desktop journey
def test_a_topic_through_four_steps_by_four_accounts(browser_page, live_server, cast, tree):
    page = browser_page
    # 党委列题: the county's organization department.
    log_in(page, live_server, "badong")
    page.goto(f"{live_server.url}/secretaries/topics/")
    page.get_by_role("link", name="党委列题").click()
    page.get_by_label("课题名称").fill("书记领办村级集体经济")
    page.get_by_label("针对的弱点").fill("部分村集体经济薄弱")
    page.get_by_label("服务的经济社会发展目标").fill("村集体收入破十万")
    screenshot(page, "secretaries-topic-new")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/secretaries/topics/\d+/$"))
    expect(page.locator("#topic-status")).to_contain_text("党委列题")
    expect(page.get_by_text("当前没有需要您推进的环节。")).to_be_visible()
    topic = Topic.objects.get()
    url = page.url
    log_out(page, live_server)

    # 书记选题: the county secretary (a leading cadre's account linked to the person holding the post).
    log_in(page, live_server, "badong_shuji")
    page.goto(url)
    step = page.locator("#step-select")
    step.get_by_label("难点").fill("村干部经营能力不足")
    step.get_by_role("button", name="选题").click()
    expect(page.locator("#topic-status")).to_contain_text("书记选题")
    expect(page.get_by_text("向部长")).to_be_visible()  # the 组织部长, found from the posts
    screenshot(page, "secretaries-topic-selected")
    log_out(page, live_server)

    # 部长领题: the head of the organization department.
    log_in(page, live_server, "badong_buzhang")
    page.goto(url)
    step = page.locator("#step-claim")
    step.get_by_label("重点").fill("选派驻村第一书记")
    step.get_by_label("工作方案").fill("一村一策，季度调度")
    step.get_by_role("button", name="领题").click()
    expect(page.locator("#topic-status")).to_contain_text("部长领题")
    log_out(page, live_server)

    # 基层切题: the secretary of 云龙河村 takes it up for the village.
    log_in(page, live_server, "xinling_cun")
    page.goto(url)
    step = page.locator("#step-undertake")
    expect(step).to_contain_text("中共云龙河村支部委员会")  # the village is chosen already
    step.get_by_role("button", name="切题").click()
    page.wait_for_url(re.compile(r"/secretaries/undertakings/\d+/$"))
    topic.refresh_from_db()
    assert topic.status == Topic.Status.UNDERTAKEN
    assert Undertaking.objects.get().org == tree["yunlong"]
    page.goto(url)
    expect(page.locator("#topic-status")).to_contain_text("基层切题")
    screenshot(page, "secretaries-topic-undertaken")


@pytest.fixture
def village_work(cast, tree):
    """The county secretary's contact point at 云龙河村, and a topic the village has taken up."""
    point = services.point_assign(actor=cast["badong"], leader=cast["people"]["shuji"], org=tree["yunlong"],
                                  year=TODAY.year)
    topic = services.topic_propose(actor=cast["badong"], org=tree["badong"], year=TODAY.year,
                                   title="党建引领产业发展", weakness="产业单一")
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="难")
    services.topic_claim(actor=cast["buzhang"], topic=topic, key_point="重点", plan="方案")
    undertaking = services.topic_undertake(actor=cast["cun"], topic=topic, org=tree["yunlong"])
    return {"point": point, "undertaking": undertaking}


@pytest.mark.browser
@pytest.mark.parametrize("browser_page", ["phone"], indirect=True)  # the phone journey
def test_the_village_secretary_on_a_phone(browser_page, live_server, cast, tree, village_work):
    page = browser_page
    log_in(page, live_server, "xinling_cun")
    page.goto(f"{live_server.url}/secretaries/contact-points/")
    page.get_by_role("link", name="谭书记").click()
    form = page.locator("#visit-form")
    form.get_by_label("走访日期").fill(TODAY.isoformat())
    form.get_by_label("走访内容").fill("县委书记到村召开院坝会")
    form.get_by_label("发现的问题").fill("产业路未硬化")
    form.get_by_label("帮助解决的事项").fill("协调交通部门")
    screenshot(page, "secretaries-visit-form")
    assert_no_horizontal_scroll(page)
    form.get_by_role("button", name="保存走访记录").click()
    expect(page.locator("#visits")).to_contain_text("县委书记到村召开院坝会")
    expect(page.locator("#visit-count")).to_contain_text("已走访 1 次")
    assert ContactVisit.objects.get().problems == "产业路未硬化"

    page.goto(f"{live_server.url}/secretaries/undertakings/{village_work['undertaking'].pk}/")
    form = page.locator("#report-form")
    form.get_by_label("进展情况").fill("成立合作社，流转土地120亩")
    form.get_by_label("亮点").fill("党支部+合作社")
    form.get_by_text("已完成").click()
    screenshot(page, "secretaries-report-form")
    assert_no_horizontal_scroll(page)
    form.get_by_role("button", name="报送进展").click()
    expect(page.locator("#reports")).to_contain_text("成立合作社")
    expect(page.locator("#undertaking-status")).to_have_text("已完成")
    screenshot(page, "secretaries-report-done")
    assert_no_horizontal_scroll(page)


@pytest.mark.browser
def test_the_county_sees_who_is_behind_and_exports_it(browser_page, live_server, cast, tree, tmp_path):
    page = browser_page
    from dangjian.conftest import make_org
    from dangjian.orgs.models import Level

    make_org(tree["badong"], "中共溪丘湾乡委员会", "422823-xqw", Level.TOWNSHIP)
    services.session_record(actor=cast["xinling"], org=tree["xinling"], kind="study", held_on=TODAY,
                            agenda="研究党建")
    log_in(page, live_server, "badong")
    page.goto(f"{live_server.url}/secretaries/compliance/")
    rows = page.locator("#compliance-table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("状态").select_option("lagging")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator('#compliance-table tr[data-org="中共溪丘湾乡委员会"]')).to_contain_text("缺项")
    screenshot(page, "secretaries-compliance")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).worksheets[0]
    lines = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert lines[0][0] == "组织" or "组织" in str(lines[0][0])
    assert any(line[0] == "中共溪丘湾乡委员会" and line[-1] == "缺项" for line in lines[1:])
