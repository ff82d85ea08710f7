"""The second factor in headless Chromium (desktop): an organization-department administrator enrols from the home
page's notice (QR code and key shown by the platform), then logs in with password and code."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from dangjian.conftest import screenshot
from dangjian.core.models import AuditEntry

from .otp_helpers import code_for, next_code
from .test_browser_login import log_in


@pytest.mark.browser
@pytest.mark.parametrize("browser_page", ["desktop"], indirect=True)
def test_enrol_then_log_in_with_a_code(browser_page, live_server, users, settings):
    settings.OTP_REQUIRED = False  # the demo: offered, not required
    page = browser_page
    log_in(page, live_server, "xuanen")
    page.wait_for_url(f"{live_server.url}/")
    notice = page.locator("[data-second-factor-notice]")
    expect(notice).to_contain_text("动态口令")
    screenshot(page, "otp-home-notice")
    notice.get_by_role("link", name="绑定动态口令").click()

    page.wait_for_url(re.compile(r"/accounts/otp/enrol/$"))
    card = page.locator("[data-otp-enrol]")
    expect(card.locator("svg")).to_be_visible()
    box = card.locator("svg").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150  # large enough to scan
    secret = card.locator("[data-otp-secret]").inner_text().replace(" ", "")
    screenshot(page, "otp-enrol")
    # The app reads the key as a person would type it from the page.
    from .otp_helpers import key_from_uri

    key = key_from_uri(f"otpauth://totp/x?secret={secret}")
    page.get_by_label("动态口令").fill(code_for(key))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".alert-success")).to_contain_text("动态口令")
    expect(page.locator("[data-second-factor-notice]")).to_have_count(0)

    # Log out, then in: the password is not enough.
    page.goto(f"{live_server.url}/accounts/me/")
    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server, "xuanen")
    page.wait_for_url(re.compile(r"/accounts/otp/verify/"))
    expect(page.get_by_role("heading", name="输入动态口令")).to_be_visible()
    page.goto(f"{live_server.url}/people/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    log_in(page, live_server, "xuanen")
    page.wait_for_url(re.compile(r"/accounts/otp/verify/"))
    page.get_by_label("动态口令").fill("000000" if code_for(key) != "000000" else "111111")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("alert")).to_contain_text("动态口令错误")
    expect(page.get_by_role("button", name="取消并退出")).to_be_visible()
    screenshot(page, "otp-verify-wrong")
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the back-off after the wrong code is tested elsewhere
    page.get_by_label("动态口令").fill(next_code(TOTPDevice.objects.get(user=users["xuanen_admin"])))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("h2.page-title")).to_have_text("中共宣恩县委")
    screenshot(page, "otp-home-after-code")
    assert AuditEntry.objects.filter(action="auth.otp_verified").count() == 1
    assert AuditEntry.objects.filter(action="auth.otp_enrol").count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("browser_page", ["desktop"], indirect=True)
def test_security_administrator_approves_a_revealer(browser_page, live_server, users, tree):
    from dangjian.accounts import services
    from dangjian.accounts.models import User

    services.user_create(actor=users["sysadmin"], username="newrevealer", name="新干部", org=tree["xuanen"],
                         role="org_dept", password="Revealer#2026x")
    page = browser_page
    log_in(page, live_server, "secadmin")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/security/#role-grants")
    row = page.locator("#role-grants tr", has_text="newrevealer")
    expect(row).to_contain_text("组织部管理员")
    row.get_by_label("原因").fill("县委组织部新任干部")
    screenshot(page, "security-role-grants")
    row.get_by_role("button", name="批准").click()
    password = page.locator("[data-password]").inner_text()
    screenshot(page, "security-temporary-password")
    account = User.objects.get(username="newrevealer")
    assert account.role == "org_dept" and account.check_password(password)
