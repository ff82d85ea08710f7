"""The star rating in headless Chromium (desktop and phone): the county publishes its scheme, a village
self-assesses, the township reviews, the county approves and publicizes, the notice runs out (frozen time), the
county awards, and the certificate PDF carries the Chinese text."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.accounts.tests.test_browser_login import log_in
from dangjian.conftest import assert_no_horizontal_scroll, screenshot
from dangjian.stars.models import Assessment
from dangjian.stars.tests.conftest import ind
from dangjian.stars.tests.pdftext import text as pdf_text


def as_user(page, live_server, username):
    page.context.clear_cookies()
    log_in(page, live_server, username)
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.browser
def test_from_publication_to_the_certificate(browser_page, live_server, stars):
    page, url = browser_page, live_server.url
    from dangjian.stars import services

    draft = services.scheme_copy(actor=stars["county"], scheme=stars["scheme"], year=2013)

    as_user(page, live_server, "badong")
    page.goto(f"{url}/stars/schemes/{draft.pk}/")
    expect(page.get_by_test_id("automatic-share")).to_have_text("20.0%")
    screenshot(page, "stars-scheme-draft")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布：创建了 2 个考核。")).to_be_visible()
    assessment = Assessment.objects.get(scheme=draft, org=stars["yunlong"])

    as_user(page, live_server, "yunlong")
    page.goto(f"{url}/stars/assessments/{assessment.pk}/")
    page.get_by_label("得分 班子建设").fill("58")
    page.get_by_label("备注 班子建设").fill("见会议记录")
    page.get_by_label("得分 为民办事").fill("19")
    screenshot(page, "stars-self-assessment")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核。")).to_be_visible()
    expect(page.get_by_test_id("score")).to_have_text("77.0")

    as_user(page, live_server, "xinling")
    page.goto(f"{url}/stars/assessments/{assessment.pk}/")
    page.get_by_label("得分 为民办事").fill("20")
    page.get_by_role("button", name="报组织部审定").click()
    expect(page.get_by_text("“为民办事”：请说明调整得分的理由。")).to_be_visible()  # a change needs its reason
    page.get_by_label("得分 为民办事").fill("20")
    page.get_by_label("调整理由 为民办事").fill("核实群众来访台账")
    page.get_by_label("得分 班子建设").fill("60")
    page.get_by_label("调整理由 班子建设").fill("补充材料齐全")
    page.get_by_role("button", name="报组织部审定").click()
    expect(page.get_by_text("已审核并报组织部审定。")).to_be_visible()
    expect(page.get_by_test_id("score")).to_have_text("80.0")

    as_user(page, live_server, "badong")
    page.goto(f"{url}/stars/assessments/{assessment.pk}/")
    page.get_by_role("button", name="审定").click()
    expect(page.get_by_text("已审定。")).to_be_visible()
    page.get_by_role("button", name="开始公示").click()
    expect(page.get_by_text("已开始公示。")).to_be_visible()
    page.get_by_role("button", name="授星").click()
    expect(page.get_by_text("请在公示期满后授星")).to_be_visible()
    screenshot(page, "stars-notice")

    later = timezone.now() + datetime.timedelta(days=6)
    with time_machine.travel(later, tick=True):
        as_user(page, live_server, "badong")
        page.goto(f"{url}/stars/assessments/{assessment.pk}/")
        page.get_by_role("button", name="授星").click()
        expect(page.get_by_text("已授星。")).to_be_visible()
        link = page.get_by_test_id("certificate")
        expect(link).to_be_visible()
        screenshot(page, "stars-awarded")
        response = page.request.get(url + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        text = pdf_text(response.body())
    assessment.refresh_from_db()
    for expected in ("星级党组织证书", "中共云龙河村支部委员会", "2013年度基层党组织星级评定", "二星级基层党组织",
                     assessment.award.certificate_no, "中共巴东县委组织部"):
        assert expected in text
    assert ind(draft, "班子建设")  # the journey used the published version's indicators


@pytest.mark.browser
def test_star_map_of_the_county(browser_page, live_server, stars):
    page = browser_page
    as_user(page, live_server, "badong")
    page.goto(f"{live_server.url}/stars/map/?year=2012")
    expect(page.get_by_role("link", name="信陵镇", exact=True)).to_be_visible()
    screenshot(page, "stars-map")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
