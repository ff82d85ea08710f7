"""Login page, logout and the audited 显示 (reveal) in headless Chromium, at desktop and phone size."""

import re

import pytest
from playwright.sync_api import expect

from dangjian.conftest import PASSWORD, assert_no_horizontal_scroll, make_person, screenshot
from dangjian.core.models import AuditEntry

WRONG_MESSAGE = "用户名或密码错误。"  # accounts.forms / accounts.lockout: "Incorrect username or password."


def log_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.browser
def test_wrong_password_then_log_in_and_out(browser_page, live_server, users):
    page = browser_page
    phone = page.viewport_name == "phone"

    log_in(page, live_server, "xuanen", "Wrong@2012")
    expect(page.get_by_role("alert")).to_have_text(WRONG_MESSAGE)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page).to_have_title(re.compile("^登录"))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.get_by_role("heading", name="登录账号")).to_be_visible()
    expect(page.get_by_label("用户名")).to_have_value("xuanen")
    expect(page.get_by_label("密码", exact=True)).to_have_value("")
    assert AuditEntry.objects.filter(action="auth.login_failed", object_repr="xuanen",
                                     outcome=AuditEntry.Outcome.FAILURE).count() == 1
    screenshot(page, "login-wrong-password")
    if phone:
        assert_no_horizontal_scroll(page)

    log_in(page, live_server, "xuanen")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.locator("h2.page-title")).to_have_text("中共宣恩县委")

    # Log out: the header's account menu on a desktop; on a phone (no header) the account page.
    if phone:
        page.get_by_role("link", name="我的账号").click()
        page.wait_for_url(re.compile(r"/accounts/me/$"))
        screenshot(page, "login-profile")
        assert_no_horizontal_scroll(page)
        page.get_by_role("button", name="退出登录").click()
    else:
        page.locator("header").get_by_role("link", name="我的账号").click()
        page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert AuditEntry.objects.filter(action="auth.logout", actor=users["xuanen_admin"]).count() == 1

    # The session is gone: the home page asks for a login again.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def _protected_item(page, label):
    return page.locator(".datagrid-item", has=page.get_by_text(label, exact=True))


@pytest.mark.browser
def test_org_dept_admin_reveals_an_id_number(browser_page, live_server, tree, users):
    page = browser_page
    admin = users["xuanen_admin"]
    person = make_person(tree["wujiatai"], admin, name="向秀英", male=False)
    masked_id = f"{person.id_number[:4]}**********{person.id_number[-4:]}"

    log_in(page, live_server, "xuanen")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    id_item, phone_item = _protected_item(page, "身份证号"), _protected_item(page, "手机号码")
    expect(id_item.locator(".masked")).to_have_text(masked_id)
    assert person.id_number not in page.content()
    assert not AuditEntry.objects.filter(action="person.reveal").exists()

    id_item.get_by_role("button", name="显示").click()
    expect(id_item.locator("[data-revealed]")).to_have_text(person.id_number)
    expect(id_item.get_by_role("button", name="显示")).to_have_count(0)
    # Only the field asked for: the phone number stays masked.
    expect(phone_item.locator(".masked")).to_have_text(f"{person.phone[:3]}****{person.phone[-4:]}")
    expect(phone_item.get_by_role("button", name="显示")).to_be_visible()
    screenshot(page, "reveal-id-number")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)

    entries = AuditEntry.objects.filter(action="person.reveal")
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.actor_id, entry.object_id, entry.outcome) == (admin.pk, str(person.pk), AuditEntry.Outcome.SUCCESS)
    assert entry.after == {"field": "id_number"}
    assert person.id_number not in str(entry.before) + str(entry.after) + entry.object_repr


@pytest.mark.browser
def test_township_user_has_no_reveal_button(browser_page, live_server, tree, users):
    page = browser_page
    person = make_person(tree["wujiatai"], users["xuanen_admin"], name="向秀英", male=False)

    log_in(page, live_server, "wanzhai")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    expect(page.get_by_role("heading", name=re.compile("向秀英"))).to_be_visible()
    expect(_protected_item(page, "身份证号").locator(".masked")).to_have_text(
        f"{person.id_number[:4]}**********{person.id_number[-4:]}")
    expect(page.get_by_role("button", name="显示")).to_have_count(0)
    assert person.id_number not in page.content()
    assert person.phone not in page.content()
    screenshot(page, "reveal-absent-township")
