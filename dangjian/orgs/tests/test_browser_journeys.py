"""Browser journeys in headless Chromium (Playwright), at desktop and phone size (the `browser_page` fixture is
parametrized): a county organization-department administrator logs in, reads the home figures, walks the tree,
finds 万寨乡 by its pinyin initials, adds a member on its page and exports the people list to Excel; and a wrong
ID check digit is refused with a Chinese message and creates nothing."""

import datetime
import random
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from dangjian.conftest import PASSWORD, assert_no_horizontal_scroll, make_person, screenshot
from dangjian.core.validators import id_check_digit
from dangjian.demo import synthetic
from dangjian.orgs import services
from dangjian.orgs.models import Person

NEW_NAME = "覃春梅"
NEW_BIRTH = datetime.date(1986, 4, 17)
NEW_PHONE = "13972812345"
NEW_ID = synthetic.id_number(NEW_BIRTH, male=False, region="422825", rng=random.Random(5))


@pytest.fixture
def members(tree, users):
    """Three current members in 宣恩县 (two full, one probationary, one of them 万寨乡's secretary) and one in
    巴东县, outside the administrator's scope."""
    admin = users["xuanen_admin"]
    secretary = make_person(tree["wanzhai"], admin, name="向光明", male=True)
    make_person(tree["wanzhai"], admin, name="田玉兰", male=False)
    make_person(tree["wujiatai"], admin, name="彭家旺", male=True, category="probationary", full_member_on=None)
    make_person(tree["xinling"], users["badong_admin"], name="谭文华", male=True)
    services.position_appoint(actor=admin, person=secretary, org=tree["wanzhai"], title="secretary",
                              start_date=datetime.date(2021, 9, 1))
    return {"secretary": secretary}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def open_menu_entry(page, label):
    """The sidebar link; on a phone the menu toggler has to open the sidebar first."""
    sidebar = page.locator("#sidebar-menu")
    if page.viewport_name == "phone":
        expect(sidebar).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        expect(sidebar).to_be_visible()
        screenshot(page, "journey-menu")
    sidebar.get_by_role("link", name=label).click()


def fill_person_form(page, id_number):
    # Birth date and gender are not asked: they are read from the ID number.
    expect(page.get_by_label("出生日期", exact=True)).to_have_count(0)
    expect(page.get_by_label("性别", exact=True)).to_have_count(0)
    page.get_by_label("姓名", exact=True).fill(NEW_NAME)
    page.get_by_label("民族", exact=True).select_option("15")  # 土家族
    page.get_by_label("身份证号", exact=True).fill(id_number)
    page.get_by_label("手机号码", exact=True).fill(NEW_PHONE)
    page.get_by_label("学历", exact=True).select_option("bachelor")
    page.get_by_label("类别", exact=True).select_option("full")
    page.get_by_label("入党日期", exact=True).fill("2010-07-01")
    page.get_by_label("转正日期", exact=True).fill("2011-07-01")


@pytest.mark.browser
def test_admin_journey_tree_search_add_member_export(browser_page, live_server, tree, users, members, tmp_path):
    page = browser_page
    phone = page.viewport_name == "phone"

    # Log in on the Chinese login page and land on the home page with real figures.
    log_in(page, live_server, "xuanen")
    expect(page.locator("h2.page-title")).to_have_text("中共宣恩县委")
    expect(page.locator('[data-figure="orgs.members.total"]')).to_have_text("3")
    expect(page.locator('[data-figure="orgs.members.full"]')).to_have_text("2")
    expect(page.locator('[data-figure="orgs.members.probationary"]')).to_have_text("1")
    expect(page.locator('[data-figure="orgs.suborgs.total"]')).to_have_text("4")
    screenshot(page, "journey-home")
    if phone:
        assert_no_horizontal_scroll(page)

    # The organization tree, from the sidebar (opened with the menu toggler on a phone).
    open_menu_entry(page, "组织树")
    page.wait_for_url(re.compile(r"/orgs/tree/$"))
    toggle = page.locator("summary.tree-summary", has=page.get_by_role("link", name="中共万寨乡委员会", exact=True))
    children = toggle.locator("xpath=..").locator("> ul.tree-children")
    expect(children).to_be_hidden()
    # Expand lazily: a click on the disclosure triangle (not on the link) loads the children with htmx.
    toggle.click(position={"x": 4, "y": 10})
    expect(children.get_by_role("link", name="中共伍家台村支部委员会")).to_be_visible()
    expect(children).not_to_have_attribute("aria-busy", "true")
    expect(children.locator("> li")).to_have_count(1)  # the loading placeholder was replaced
    screenshot(page, "journey-tree")
    if phone:
        assert_no_horizontal_scroll(page)

    # Pinyin initials in the search box find 万寨乡 (the leading 中共 is skipped).
    page.get_by_label("查找组织").fill("wzx")
    result = page.locator("#tree-search-results").get_by_role("link", name=re.compile("中共万寨乡委员会"))
    expect(result).to_be_visible()
    expect(page.locator("#tree-search-results .list-group-item")).to_have_count(1)
    screenshot(page, "journey-tree-search")
    result.click()

    # The organization page: its name, data, secretary and team.
    page.wait_for_url(re.compile(rf"/orgs/{tree['wanzhai'].pk}/$"))
    expect(page.locator("h2.page-title")).to_contain_text("中共万寨乡委员会")
    team = page.locator(".card", has=page.get_by_role("heading", name="书记和班子成员"))
    expect(team).to_be_visible()
    expect(team.get_by_role("link", name="向光明")).to_be_visible()
    expect(team).to_contain_text("书记")
    screenshot(page, "journey-org")
    if phone:
        assert_no_horizontal_scroll(page)

    # Add a member from the organization page.
    page.get_by_role("link", name="新增党员").click()
    page.wait_for_url(re.compile(rf"/people/new/\?org={tree['wanzhai'].pk}$"))
    expect(page.get_by_text("中共万寨乡委员会")).to_be_visible()
    fill_person_form(page, NEW_ID)
    screenshot(page, "journey-person-form")
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(re.compile(r"/people/\d+/$"))
    person = Person.objects.get(name=NEW_NAME)
    assert person.org_id == tree["wanzhai"].pk
    assert (person.id_number, person.phone) == (NEW_ID, NEW_PHONE)
    masked_id = f"4228**********{NEW_ID[-4:]}"
    masked_phone = f"139****{NEW_PHONE[-4:]}"
    id_item = page.locator(".datagrid-item", has=page.get_by_text("身份证号", exact=True))
    expect(id_item.locator(".masked")).to_have_text(masked_id)
    expect(page.locator(".datagrid-item", has=page.get_by_text("手机号码", exact=True)).locator(".masked")
           ).to_have_text(masked_phone)
    expect(page.get_by_role("alert")).to_contain_text(NEW_NAME)
    html = page.content()
    assert NEW_ID not in html
    assert NEW_PHONE not in html
    screenshot(page, "journey-person-detail")
    if phone:
        assert_no_horizontal_scroll(page)

    # The people list, then its Excel export: masked, with Chinese headers.
    page.locator(".breadcrumb").get_by_role("link", name="党员").click()
    page.wait_for_url(re.compile(r"/people/$"))
    row = page.get_by_role("row", name=re.compile(NEW_NAME))
    expect(row).to_contain_text(masked_id)
    expect(page.get_by_role("heading", name="共 4 人")).to_be_visible()
    assert NEW_ID not in page.content()
    screenshot(page, "journey-people")
    if phone:
        assert_no_horizontal_scroll(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]  # row 1: the title row
    header = rows[0]
    assert header[:6] == ["姓名", "性别", "民族", "出生日期", "身份证号", "手机号码"]
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), header
    mine = [r for r in rows[1:] if r[0] == NEW_NAME]
    assert len(mine) == 1
    new_row = dict(zip(header, mine[0], strict=True))
    assert new_row["身份证号"] == masked_id
    assert new_row["手机号码"] == masked_phone
    assert new_row["性别"] == "女"
    assert new_row["组织"] == "中共万寨乡委员会"
    assert {r[0] for r in rows[1:]} == {NEW_NAME, "向光明", "田玉兰", "彭家旺"}  # 巴东县 is out of scope
    flat = " ".join(str(v) for r in rows for v in r)
    assert NEW_ID not in flat
    assert NEW_PHONE not in flat


@pytest.mark.browser
def test_wrong_id_check_digit_is_refused(browser_page, live_server, tree, users):
    page = browser_page
    body = NEW_ID[:17]
    wrong_digit = next(d for d in "0123456789X" if d != id_check_digit(body))

    log_in(page, live_server, "xuanen")
    page.goto(f"{live_server.url}/people/new/?org={tree['wanzhai'].pk}")
    fill_person_form(page, body + wrong_digit)
    page.get_by_role("button", name="保存").click()

    id_field = page.locator(".mb-3", has=page.get_by_label("身份证号", exact=True))
    expect(id_field.locator(".invalid-feedback")).to_have_text("身份证号校验码错误，请核对号码。")
    expect(page).to_have_url(re.compile(rf"/people/new/\?org={tree['wanzhai'].pk}$"))
    # The other answers are kept, so only the number has to be corrected.
    expect(page.get_by_label("姓名", exact=True)).to_have_value(NEW_NAME)
    screenshot(page, "journey-wrong-id")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    assert not Person.objects.filter(name=NEW_NAME).exists()
    assert Person.objects.count() == 0
