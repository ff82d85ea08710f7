"""Browser journey, at desktop and phone size: a member of 伍家台村 applies for a 党员先锋岗 on her own account; the
village secretary recommends it from her to-dos; 万寨乡 approves it, which opens the public notice; once the
notice has run (frozen time) 万寨乡 publishes it, the plate PDF says what it should, and the holder records a
service."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, make_person, make_user, screenshot
from dangjian.core.permissions import Role
from dangjian.orgs.tests.test_browser_journeys import log_in, open_menu_entry
from dangjian.showcase.models import ModelPost
from dangjian.showcase.posts import NOTICE_DAYS

from .pdftext import pdf_text

pytestmark = pytest.mark.browser


def test_a_member_applies_on_a_phone_and_the_post_is_published(browser_page, live_server, tree, users):
    page = browser_page
    person = make_person(tree["wujiatai"], name="田春燕")
    make_user(tree["wujiatai"], Role.MEMBER, "wujiatai_dy", person=person)

    log_in(page, live_server, "wujiatai_dy")
    open_menu_entry(page, "我的示范岗")
    page.get_by_label("党员先锋岗").check()
    page.get_by_label("岗位名称").fill("茶叶产业先锋岗")
    page.get_by_label("岗位职责").fill("带领群众管护茶园，帮助解决技术难题")
    screenshot(page, "showcase-post-apply")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("申请已提交党支部。")).to_be_visible()
    expect(page.get_by_text("已申请")).to_be_visible()
    post = ModelPost.objects.get(person=person)
    page.context.clear_cookies()

    log_in(page, live_server, "wujiatai")  # the village secretary: the application is among her to-dos
    page.get_by_role("link", name="推荐：田春燕 · 茶叶产业先锋岗").click()
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(page.get_by_text("已推荐。")).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server, "wanzhai")  # the level above
    page.goto(f"{live_server.url}/showcase/posts/{post.pk}/")
    page.get_by_role("button", name="审批并公示").click()
    expect(page.get_by_text("已审批，进入公示。")).to_be_visible()
    page.get_by_role("button", name="挂牌").click()  # too early: the notice is running
    expect(page.get_by_text("公示期至")).to_be_visible()
    post.refresh_from_db()
    assert post.status == "notice"
    page.context.clear_cookies()

    after_notice = timezone.localdate() + datetime.timedelta(days=NOTICE_DAYS + 1)
    with time_machine.travel(datetime.datetime.combine(after_notice, datetime.time(9)).astimezone()):
        log_in(page, live_server, "wanzhai")
        page.goto(f"{live_server.url}/showcase/posts/{post.pk}/")
        page.get_by_role("button", name="挂牌").click()
        expect(page.get_by_text("已挂牌。")).to_be_visible()
        screenshot(page, "showcase-post-published")
        assert_no_horizontal_scroll(page)
        post.refresh_from_db()
        assert post.status == "published" and post.published_on == after_notice
        link = page.get_by_role("link", name="打印岗位牌")
        response = page.request.get(live_server.url + link.get_attribute("href"))
        page.context.clear_cookies()

        log_in(page, live_server, "wujiatai_dy")  # the holder records a service from her phone
        open_menu_entry(page, "我的示范岗")
        page.get_by_text("茶叶产业先锋岗").click()
        page.get_by_role("link", name="登记服务").click()
        page.get_by_label("服务群众人数").fill("6")
        page.get_by_label("解决问题数").fill("2")
        page.get_by_label("服务内容").fill("上门指导茶园病虫害防治")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已登记服务。")).to_be_visible()
        expect(page.get_by_text("服务群众 6 人，解决问题 2 个")).to_be_visible()
        screenshot(page, "showcase-post-service")
        assert_no_horizontal_scroll(page)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for expected in ("中国共产党", "党员先锋岗", "茶叶产业先锋岗", "责任人：田春燕", tree["wujiatai"].name,
                     "岗位职责：带领群众管护茶园，帮助解决技术难题", f"编号 {post.plate_number}",
                     f"{after_notice.year}年{after_notice.month}月{after_notice.day}日挂牌"):
        assert expected in text, (expected, text)
