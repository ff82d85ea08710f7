"""Browser journeys of the one organization picker (orgs:org_picker), at desktop and phone size: the people list's
organization filter (links), appointing to a post (radio inputs, the pick kept after an error) and moving an
organization (the move targets' source)."""

import re

import pytest
from playwright.sync_api import expect

from dangjian.conftest import assert_no_horizontal_scroll, make_person, screenshot
from dangjian.orgs.models import Org, Position
from dangjian.orgs.tests.test_browser_journeys import log_in

pytestmark = pytest.mark.browser


def test_people_list_filter_picks_an_organization(browser_page, live_server, tree, users):
    page = browser_page
    make_person(tree["wujiatai_b1"], users["xuanen_admin"], name="覃支部员")
    make_person(tree["xiaohe"], users["xuanen_admin"], name="杨晓关")
    log_in(page, live_server, "xuanen")
    page.goto(f"{live_server.url}/people/?category=full")
    page.get_by_label("所在组织（含下级）").fill("伍家台")
    results = page.locator('[data-testid="org-picker-links"]')
    expect(results.get_by_role("link")).to_have_count(2)
    # Each organization with its upper organizations' names.
    expect(results.get_by_role("link", name=re.compile("^伍家台村第一党支部"))).to_contain_text(
        "中共万寨乡委员会 › 中共伍家台村支部委员会")
    screenshot(page, "picker-people-filter")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    results.get_by_role("link", name=re.compile("^伍家台村第一党支部")).click()
    page.wait_for_url(re.compile(rf"org={tree['wujiatai_b1'].pk}"))
    assert "category=full" in page.url
    expect(page.get_by_text("覃支部员").first).to_be_visible()
    expect(page.get_by_text("杨晓关")).to_have_count(0)


def test_appoint_keeps_the_picked_org_after_an_error(browser_page, live_server, tree, users):
    page = browser_page
    person = make_person(tree["wanzhai"], users["xuanen_admin"], name="向组织")
    log_in(page, live_server, "xuanen")
    page.goto(f"{live_server.url}/people/positions/new/?person={person.pk}")
    page.get_by_label("组织", exact=True).fill("wjt")
    page.get_by_role("radio", name=re.compile("^中共伍家台村支部委员会")).check()
    page.get_by_label("职务", exact=True).select_option("organization")
    page.get_by_label("任职日期", exact=True).fill("")
    screenshot(page, "picker-position-form")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="任职").click()
    # The date is missing: the page comes back with the organization still chosen.
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    kept = page.get_by_role("radio", name="中共伍家台村支部委员会")
    expect(kept).to_be_checked()
    screenshot(page, "picker-position-kept")
    page.get_by_label("任职日期", exact=True).fill("2024-05-01")
    page.get_by_role("button", name="任职").click()
    page.wait_for_url(re.compile(rf"/people/{person.pk}/$"))
    assert Position.objects.get(person=person).org_id == tree["wujiatai"].pk


def test_move_an_organization_with_the_picker(browser_page, live_server, tree, users):
    page = browser_page
    log_in(page, live_server, "zhou")
    village = tree["wujiatai"]
    page.goto(f"{live_server.url}/orgs/{village.pk}/move/")
    page.get_by_label("新的上级组织").fill("伍家台")
    expect(page.get_by_text("没有")).to_be_visible()  # its own subtree is never offered
    page.get_by_label("新的上级组织").fill("信陵")
    target = page.get_by_role("radio", name=re.compile("^中共信陵镇委员会"))
    expect(target).to_be_visible()
    screenshot(page, "picker-move")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)
    target.check()
    page.get_by_role("button", name="移动").click()
    page.wait_for_url(re.compile(rf"/orgs/{village.pk}/$"))
    assert Org.objects.get(pk=village.pk).parent_id == tree["xinling"].pk
