"""Browser journeys of the people pages at desktop and phone size: relieving a secretary of their post from the
team table's row menu (免职: its own small form), and a village secretary adding a member on a phone, starting
from the list of their own organizations."""

import datetime
import random
import re

import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, make_person, screenshot
from dangjian.demo import synthetic
from dangjian.orgs import services
from dangjian.orgs.models import Person, Position
from dangjian.orgs.tests.test_browser_journeys import log_in


@pytest.mark.browser
def test_relieve_a_secretary_from_the_row_menu(browser_page, live_server, tree, users):
    page = browser_page
    secretary = make_person(tree["wanzhai"], users["xuanen_admin"], name="向光明", male=True)
    position = services.position_appoint(actor=users["xuanen_admin"], person=secretary, org=tree["wanzhai"],
                                         title="secretary", start_date=datetime.date(2021, 9, 1))
    log_in(page, live_server, "xuanen")
    page.goto(f"{live_server.url}/orgs/{tree['wanzhai'].pk}/")
    team = page.locator(".card", has=page.get_by_role("heading", name="书记和班子成员"))
    # No date box and red button on the row: a "⋯" menu.
    expect(team.locator('input[type="date"]')).to_have_count(0)
    team.get_by_role("button", name="向光明（书记）的操作").click()
    item = team.get_by_role("link", name="免职…")
    expect(item).to_be_visible()
    screenshot(page, "people-row-menu")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    item.click()

    page.wait_for_url(re.compile(rf"/people/positions/{position.pk}/end/"))
    expect(page.locator("h2.page-title")).to_have_text("免职")
    expect(page.get_by_text("向光明 · 书记")).to_be_visible()
    page.get_by_label("原因", exact=True).fill("换届离任")
    screenshot(page, "people-relieve-form")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="免职").click()

    page.wait_for_url(re.compile(rf"/orgs/{tree['wanzhai'].pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("已免去向光明的书记职务")
    expect(page.get_by_text("尚未登记现任书记或班子成员。")).to_be_visible()
    position.refresh_from_db()
    assert position.end_reason == "换届离任" and position.end_date is not None
    screenshot(page, "people-relieved")


@pytest.mark.browser
def test_village_secretary_adds_a_member_on_a_phone(browser_page, live_server, tree, users):
    page = browser_page
    log_in(page, live_server, "wujiatai")
    page.goto(f"{live_server.url}/people/new/")
    own = page.locator('[data-testid="own-orgs"]')
    expect(own.get_by_role("link")).to_have_count(2)  # the village and its branch, no search needed
    expect(page.locator("#org-picker-q")).to_have_count(0)
    screenshot(page, "people-new-own-orgs")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    own.get_by_role("link", name="伍家台村第一党支部").click()

    page.wait_for_url(re.compile(rf"/people/new/\?org={tree['wujiatai_b1'].pk}$"))
    birth = datetime.date(1990, 2, 3)
    number = synthetic.id_number(birth, male=True, region="422825", rng=random.Random(9))
    page.get_by_label("姓名", exact=True).fill("覃建军")
    page.get_by_label("身份证号", exact=True).fill(number)
    page.get_by_label("学历", exact=True).select_option("high_school")
    page.get_by_label("类别", exact=True).select_option("full")
    page.get_by_label("入党日期", exact=True).fill("2015-07-01")
    page.get_by_label("转正日期", exact=True).fill("2016-06-01")  # under a year: refused
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".mb-3", has=page.get_by_label("转正日期", exact=True)).locator(".invalid-feedback")
           ).to_contain_text("2016-07-01")
    screenshot(page, "people-new-probation-refused")
    page.get_by_label("转正日期", exact=True).fill("2016-07-01")
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(re.compile(r"/people/\d+/$"))
    person = Person.objects.get(name="覃建军")
    assert (person.org_id, person.birth_date, person.gender) == (tree["wujiatai_b1"].pk, birth, "M")
    assert person.pinyin == "qinjianjun"
    expect(page.locator(".datagrid-item", has=page.get_by_text("出生日期", exact=True))).to_contain_text("1990-02-03")
    screenshot(page, "people-new-done")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    assert not Position.objects.exists()
