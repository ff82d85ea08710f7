"""The API documentation: inside the platform's frame, offline, in Chinese, offered in the account menu of the
roles that use the API (accounts.access.uses_api) and in no sidebar."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from dangjian.accounts.access import API_ROLES, uses_api
from dangjian.accounts.roles import Role

DOCS = reverse("api-docs")
API_USERS = ("zhou_admin", "wanzhai", "wujiatai", "leader", "sysadmin")
NO_API_USERS = ("member", "secadmin", "auditor")


def test_roles_that_use_the_api():
    assert API_ROLES == {Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY, Role.LEADER, Role.TRAINER, Role.SYSADMIN}
    assert not uses_api(None)


def test_uses_api_follows_role_and_status(users):
    assert all(uses_api(users[k]) for k in API_USERS)
    assert not any(uses_api(users[k]) for k in NO_API_USERS)
    users["leader"].is_active = False
    assert not uses_api(users["leader"])


@pytest.mark.parametrize("key", API_USERS + NO_API_USERS)
def test_account_menu_offers_the_docs_to_api_roles_only(client, users, key):
    client.force_login(users[key])
    for page in (reverse("home"), reverse("accounts:profile")):
        html = client.get(page).content.decode()
        links = re.findall(rf'<a href="{DOCS}" class="(dropdown-item|btn)"', html)
        if key in API_USERS:
            # the header's dropdown (desktop) on every page, and a button on the account page (phone)
            expected = ["dropdown-item", "btn"] if page.endswith("/me/") else ["dropdown-item"]
            assert links == expected, (key, page)
        else:
            assert links == [], (key, page)
        assert 'class="nav-link" href="/api/docs/"' not in html  # never in the sidebar


def test_docs_open_inside_the_platform_frame(client, users):
    client.force_login(users["wanzhai"])
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>接口文档 · " in html and 'lang="zh-CN"' in html
    assert 'id="sidebar-menu"' in html and 'href="/"' in html  # the sidebar and the way back home
    assert '<div id="swagger-ui">' in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    bundle = next(s for s in scripts if "swagger-ui-bundle.js" in s)
    assert bundle.startswith("/static/drf_spectacular_sidecar/")  # served by the application, no CDN
    assert finders.find(bundle.removeprefix("/static/"))
    assert re.search(r'href="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui\.css"', html)
    assert "<script>" not in html  # no inline script: the CSP (script-src 'self') holds
    init = next(s for s in scripts if "script" in s.split("?", 1)[-1])
    js = client.get(init.replace("&amp;", "&"))
    assert js.status_code == 200 and js["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in js.content.decode() and "/api/schema/" in js.content.decode()


def test_docs_need_a_signed_in_user(client):
    assert client.get(DOCS).status_code in (401, 403)


def test_schema_title_description_and_tags_are_chinese(client, users):
    client.force_login(users["wanzhai"])
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert cjk.search(schema["info"]["title"]) and cjk.search(schema["info"]["description"])
    tags = {t["name"]: t["description"] for t in schema["tags"]}
    assert {"auth", "users", "orgs", "people", "positions"} <= set(tags)
    assert all(cjk.search(d) for d in tags.values())
