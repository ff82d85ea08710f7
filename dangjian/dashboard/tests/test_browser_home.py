"""Browser journey: every number on the home page leads to a list that shows the same number (desktop and phone).
A deceased member on the records must not make the members figure and the people list disagree."""

import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, make_person, screenshot
from dangjian.orgs.tests.test_browser_journeys import log_in


def list_total(page):
    """The number of records the list page shows in its footer (none when the list is empty)."""
    footer = page.locator("[data-total]")  # the list card header or the pagination footer
    return int(footer.first.get_attribute("data-total")) if footer.count() else 0


@pytest.mark.browser
def test_home_figures_lead_to_lists_that_count_them(browser_page, live_server, tree, users):
    page = browser_page
    for name in ("甲", "乙", "丙"):
        make_person(tree["wujiatai"], users["xuanen_admin"], name=f"测试{name}")
    make_person(tree["wujiatai_b1"], users["xuanen_admin"], name="测试丁", status="deceased")  # not counted
    log_in(page, live_server, "xuanen")
    screenshot(page, "home-figures")
    assert_no_horizontal_scroll(page)

    figures = page.locator('[data-card] a[data-figure], [data-card] li:has([data-figure])')
    checked = 0
    for key in ("orgs.members.total", "orgs.suborgs.total", "orgs.secretaries.no_secretary", "orgs.terms.due"):
        link = page.locator(f'a[data-figure="{key}"]')
        value = int(link.inner_text())
        link.click()
        page.wait_for_load_state("networkidle")
        assert list_total(page) == value, key
        if key == "orgs.members.total":
            screenshot(page, "home-figure-list")
            expect(page.get_by_text("测试丁")).to_have_count(0)  # the deceased member is not a current member
        checked += 1
        page.go_back()
    assert checked == 4 and figures.count() >= 4
    assert int(page.locator('a[data-figure="orgs.members.total"]').inner_text()) == 3
