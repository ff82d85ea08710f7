"""Browser journey, at desktop and phone size: 万寨乡 records an observation tour at 伍家台村's site with two of its
organizations; the site's page shows the meeting and who came."""

import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, screenshot
from dangjian.orgs.tests.test_browser_journeys import log_in
from dangjian.showcase.models import Meeting

from . import factories as f

pytestmark = pytest.mark.browser


def test_record_a_tour_and_see_it_on_the_site_page(browser_page, live_server, world):
    page = browser_page
    site = f.site(world)
    log_in(page, live_server, "wanzhai")
    page.goto(f"{live_server.url}/showcase/meetings/new/")
    page.locator("#id_org").fill("万寨")
    page.get_by_role("radio", name="中共万寨乡委员会").check()
    page.get_by_label("类别").select_option("tour")
    page.get_by_label("地点").fill("伍家台村茶园")
    page.get_by_label("中共伍家台村支部委员会（县级）").check()
    page.get_by_label("中共伍家台村支部委员会", exact=True).check()
    page.get_by_label("参加人数").fill("35")
    page.get_by_label("会议纪要").fill("全乡村书记观摩茶园党小组")
    screenshot(page, "showcase-meeting-form")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已登记，可在下方上传照片和材料。")).to_be_visible()
    meeting = Meeting.objects.get(place="伍家台村茶园")
    assert list(meeting.sites.all()) == [site] and meeting.headcount == 35
    page.goto(f"{live_server.url}/showcase/sites/{site.pk}/")
    expect(page.get_by_text("35 人参加")).to_be_visible()
    screenshot(page, "showcase-site-page")
    assert_no_horizontal_scroll(page)
