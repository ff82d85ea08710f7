"""The filter bar looks and behaves the same on every list, at desktop and phone size: the search and one or two
key drop-downs in a row with 筛选 and 清除筛选, the rest under 更多筛选, which is open when one of its filters is
in use. Screenshots: var/screenshots/filters-*."""

import pytest
from playwright.sync_api import expect

from dangjian.conftest import PASSWORD, assert_no_horizontal_scroll, make_person, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def check_list(page, live_server, path, name, hidden_query=None, hidden_label=None):
    page.goto(f"{live_server.url}{path}")
    bar = page.locator("form.filter-bar")
    expect(bar.get_by_role("button", name="筛选")).to_be_visible()
    expect(bar.get_by_role("link", name="清除筛选")).to_be_visible()
    assert_no_horizontal_scroll(page)
    more = bar.locator("details.filter-more")
    if hidden_query is None:
        expect(more).to_have_count(0)
        screenshot(page, f"filters-{name}")
        return
    expect(more).not_to_have_attribute("open", "")
    expect(bar.get_by_label(hidden_label, exact=True)).to_be_hidden()
    screenshot(page, f"filters-{name}")
    more.locator("summary").click()
    expect(bar.get_by_label(hidden_label, exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, f"filters-{name}-more")
    page.goto(f"{live_server.url}{path}?{hidden_query}")  # a hidden filter in use: open by itself
    expect(more).to_have_attribute("open", "")
    expect(bar.get_by_label(hidden_label, exact=True)).to_be_visible()
    screenshot(page, f"filters-{name}-active")


def test_every_list_has_the_same_filter_bar(browser_page, live_server, tree, users):
    page = browser_page
    make_person(tree["wanzhai"], users["xuanen_admin"], name="向光明", male=True)
    make_person(tree["wujiatai"], users["xuanen_admin"], name="田玉兰", male=False, education="bachelor")
    log_in(page, live_server, "xuanen")
    check_list(page, live_server, "/orgs/", "org-list", "kind=branch", "类别")
    check_list(page, live_server, "/people/", "person-list", "education=bachelor", "学历")
    expect(page.get_by_role("link", name="田玉兰")).to_be_visible()
    log_in(page, live_server, "sysadmin")
    check_list(page, live_server, "/accounts/users/", "user-list")
    log_in(page, live_server, "auditor")
    check_list(page, live_server, "/accounts/audit/", "audit-list", "outcome=success", "结果")
