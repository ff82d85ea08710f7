"""The training journey in headless Chromium: a county training manager creates a class with three lessons at
伍家台基地 and enrols a roster from Excel; trainees check in on a phone by the QR code's link (the token read from
the QR page); the manager finishes the class: completion and hours follow the 80 % rule, and the county's
person-times rise by exactly the new (person, class) pairs with an attendance."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from dangjian.conftest import PASSWORD, VIEWPORTS, assert_no_horizontal_scroll, make_person, make_user, screenshot
from dangjian.core.metrics import Period
from dangjian.core.permissions import Role
from dangjian.training import selectors
from dangjian.training.models import Enrollment

pytestmark = pytest.mark.browser


def log_in(page, live_server, username, then=None):
    page.goto(then or f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def roster_file(tmp_path, people):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号"])
    for person in people:
        sheet.append([person.name, person.id_number])
    path = tmp_path / "花名册.xlsx"
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_class_roster_qr_check_in_completion(browser_page, browser, live_server, tree, users, tmp_path):
    from dangjian.training import services

    page = browser_page
    school_parent = tree["xuanen"]
    from dangjian.conftest import make_org
    from dangjian.orgs.models import Level, Org

    make_org(school_parent, "宣恩县委党校机关党支部", "422825903", Level.BRANCH, kind=Org.Kind.BRANCH,
                      sector=Org.Sector.ORGAN)
    make_user(tree["xuanen"], Role.TRAINER, "xuanen_dangxiao", name="宣恩县委党校培训管理员")
    services.base_create(actor=users["xuanen_admin"], org=tree["wujiatai"], name="伍家台基地",
                         place="宣恩县万寨乡伍家台村", capacity=120)
    people = [make_person(tree["wujiatai"]) for _ in range(3)]
    for i, person in enumerate(people):
        make_user(tree["wujiatai"], Role.MEMBER, f"trainee{i}", name=person.name, person=person)
    period = Period(timezone.localdate().replace(month=1, day=1), timezone.localdate().replace(month=12, day=31))
    before = selectors.summary(tree["xuanen"], period)

    log_in(page, live_server, "xuanen_dangxiao")
    page.goto(f"{live_server.url}/training/classes/new/")
    today = timezone.localdate()
    page.select_option("select[name=organizer]", label="宣恩县委党校机关党支部")
    page.select_option("select[name=level]", "county")
    page.fill("input[name=title]", "伍家台基地村党组织书记现场教学班")
    page.select_option("select[name=audience]", "village_secretaries")
    page.select_option("select[name=topic]", "industry")
    page.fill("input[name=start_date]", today.isoformat())
    page.fill("input[name=end_date]", (today + datetime.timedelta(days=1)).isoformat())
    page.select_option("select[name=base]", label="伍家台基地")
    page.fill("input[name=capacity]", "30")
    page.fill("input[name=hours]", "8")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("培训班已创建")
    class_url = page.url

    now = timezone.localtime()
    start, end = now - datetime.timedelta(minutes=10), now + datetime.timedelta(minutes=50)
    for number, method in enumerate(("onsite", "case", "interactive"), 1):
        page.goto(class_url + "lessons/new/")
        page.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=ends_at]", end.strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=topic]", f"第{number}课：贡茶产业与村级治理")
        page.fill("input[name=lecturer]", "伍家台村党总支书记")
        page.select_option("select[name=method]", method)
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert").first).to_contain_text("课程已添加")

    page.goto(class_url + "roster/")
    page.set_input_files("input[name=file]", str(roster_file(tmp_path, people)))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert").first).to_contain_text("已从花名册报名 3 名学员")
    screenshot(page, "training-class")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)

    # The QR page of each lesson: the link the code carries (token included).
    links = []
    for index in range(3):
        page.goto(class_url)
        page.get_by_role("link", name="扫码签到").nth(index).click()
        qr = page.locator("#qr")
        expect(qr.locator("svg")).to_be_visible()
        links.append(qr.get_attribute("data-url"))
        assert qr.get_attribute("data-token") in links[-1]
    screenshot(page, "training-qr")

    # Trainees on their phones: trainee 0 attends all three lessons, trainee 1 two, trainee 2 none.
    phone = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        for trainee, lessons in ((0, links), (1, links[:2])):
            phone.clear_cookies()
            mobile = phone.new_page()
            mobile.viewport_name = "phone"
            for n, link in enumerate(lessons):
                if n == 0:
                    log_in(mobile, live_server, f"trainee{trainee}", then=link)
                else:
                    mobile.goto(link)
                mobile.get_by_role("button", name="签到").click()
                expect(mobile.locator("#checked-in")).to_contain_text("已于")
            screenshot(mobile, "training-check-in")
            assert_no_horizontal_scroll(mobile)
            mobile.goto(links[0])  # a second scan of the same lesson shows it is done, never twice
            expect(mobile.locator("#checked-in")).to_be_visible()
            mobile.close()
    finally:
        phone.close()

    page.goto(class_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结业").click()
    expect(page.get_by_role("alert").first).to_contain_text("已结业")
    rows = page.locator("tr[data-enrollment]")
    expect(rows.filter(has_text=people[0].name)).to_contain_text("8")
    expect(rows.filter(has_text=people[0].name)).to_contain_text("已完成")
    expect(rows.filter(has_text=people[1].name)).to_contain_text("已报名")
    screenshot(page, "training-finished")

    statuses = dict(Enrollment.objects.values_list("person_id", "status"))
    assert statuses == {people[0].pk: "completed", people[1].pk: "enrolled", people[2].pk: "enrolled"}
    after = selectors.summary(tree["xuanen"], period)
    assert after["attendances"] - before["attendances"] == 5
    assert after["person_times"] - before["person_times"] == 2  # (person, class) pairs with an attendance
    assert after["hours"] - before["hours"] == 8
    page.goto(f"{live_server.url}/training/statistics/?org={tree['xuanen'].pk}")
    expect(page.locator("#stat-person-times")).to_have_text(re.compile(rf"^\s*{after['person_times']}\s*$"))
    screenshot(page, "training-statistics")
