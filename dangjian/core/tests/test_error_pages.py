"""Chinese 403, 404 and 500 pages with lang="zh-CN", and the security headers on every response."""

import pytest
from django.template.loader import render_to_string
from django.test import Client


def page(client, path):
    response = client.get(path)
    return response, response.content.decode()


def test_404_is_chinese(users):
    client = Client()
    client.force_login(users["wanzhai"])
    response, html = page(client, "/orgs/99999999/")
    assert response.status_code == 404
    assert 'lang="zh-CN"' in html and "页面不存在" in html


def test_403_is_chinese(users):
    client = Client()
    client.force_login(users["leader"])
    response, html = page(client, "/accounts/audit/")
    assert response.status_code == 403
    assert 'lang="zh-CN"' in html and "无权操作" in html


def test_500_is_chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = render_to_string("500.html")
    assert 'lang="zh-CN"' in html and "服务器错误" in html


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/me/"])
def test_security_headers(db, path):
    response = Client().get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"]
