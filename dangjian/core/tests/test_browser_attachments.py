"""The attachments card in headless Chromium, desktop and phone: a county administrator uploads meeting minutes
and a photo to an organization, views the photo inline, downloads the minutes, is refused a web page renamed
.pdf with a Chinese message, and deletes an attachment; a read-only leading cadre sees the list only."""

import re

import pytest
from playwright.sync_api import expect

from dangjian.conftest import PASSWORD, assert_no_horizontal_scroll, screenshot
from dangjian.core.models import Attachment, AuditEntry

from .test_attachments import SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.urls("dangjian.core.tests.attachment_page_urls")]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_upload_view_download_refuse_delete(browser_page, live_server, tree, users, tmp_path):
    page = browser_page
    org = tree["wujiatai"]
    url = f"{live_server.url}/test-attachments/{org.pk}/"
    minutes = tmp_path / "支部委员会会议纪要.docx"
    minutes.write_bytes(SAMPLES["docx"])
    photo = tmp_path / "主题党日.png"
    photo.write_bytes(PNG)
    fake = tmp_path / "通知.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")

    log_in(page, live_server, "xuanen")
    page.goto(url)
    card = page.locator("[data-attachments=minutes]")
    expect(card).to_contain_text("还没有附件。")
    expect(card).to_contain_text("每个文件最大 20.0 MB")

    for file in (minutes, photo):
        card.locator("input[type=file]").set_input_files(str(file))
        card.get_by_role("button", name="上传").click()
        page.wait_for_url(url)
        expect(page.get_by_role("alert").first).to_contain_text(f"“{file.name}”已上传。")
    expect(card.locator("tbody tr")).to_have_count(2)
    expect(card).to_contain_text("测试用户")
    screenshot(page, "attachments-card")
    if page.viewport_name == "phone":
        assert_no_horizontal_scroll(page)

    # The photo opens in the browser (inline); the minutes download under their Chinese name.
    with page.context.expect_page() as popup:
        card.locator("tr", has_text="主题党日.png").get_by_role("link", name="查看").click()
    viewer = popup.value
    viewer.wait_for_load_state()
    assert viewer.url.endswith("?inline=1")
    viewer.close()
    with page.expect_download() as download:
        card.get_by_role("link", name="支部委员会会议纪要.docx").click()
    assert download.value.suggested_filename == "支部委员会会议纪要.docx"
    assert open(download.value.path(), "rb").read() == SAMPLES["docx"]

    # A web page renamed .pdf is refused by its content, with a Chinese message; nothing is stored.
    card.locator("input[type=file]").set_input_files(str(fake))
    card.get_by_role("button", name="上传").click()
    page.wait_for_url(url)
    expect(page.get_by_role("alert").first).to_contain_text("不接受 HTML、SVG 等网页或标记语言文件。")
    screenshot(page, "attachments-refused")
    assert Attachment.objects.count() == 2

    # Delete asks first.
    page.once("dialog", lambda dialog: dialog.accept())
    card.locator("tr", has_text="主题党日.png").get_by_role("button", name="删除").click()
    page.wait_for_url(url)
    expect(card.locator("tbody tr")).to_have_count(1)
    assert AuditEntry.objects.filter(action__startswith="attachment.").count() == 5  # 2 adds, 2 views, 1 delete

    # The leading cadre (read-only) sees the list, no upload form and no delete button.
    page.context.clear_cookies()
    log_in(page, live_server, "leader")
    page.goto(url)
    expect(card).to_contain_text("支部委员会会议纪要.docx")
    expect(card.locator("input[type=file]")).to_have_count(0)
    expect(card.get_by_role("button", name="删除")).to_have_count(0)
    screenshot(page, "attachments-reader")


def test_inline_pdf(browser_page, live_server, tree, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.core import attachments

    attachment = attachments.attachment_add(actor=users["xuanen_admin"], owner=tree["wujiatai"], purpose="minutes",
                                            file=SimpleUploadedFile("纪要.pdf", PDF))
    page = browser_page
    log_in(page, live_server, "xuanen")
    response = page.goto(f"{live_server.url}/attachments/{attachment.uuid}/?inline=1")
    headers = response.all_headers()
    assert headers["content-type"] == "application/pdf"
    assert re.match("^sandbox", headers["content-security-policy"])
    page.wait_for_timeout(1000)
    screenshot(page, "attachments-inline-pdf")


# A real 1×1 PNG and a one-page PDF saying "Hello", so the browser can display them.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201a5f1d4a70000000049454e44ae426082"
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
    b"endobj\n4 0 obj<</Length 44>>stream\nBT /F1 24 Tf 72 72 Td (Hello) Tj ET\nendstream\nendobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
