"""The OpenAPI schema validates without a single warning, and the interactive docs are served offline."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from dangjian.accounts.roles import Role
from dangjian.conftest import make_user

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_schema_validates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/me/", "/api/v1/orgs/{id}/move/",
                 "/api/v1/orgs/{id}/children/", "/api/v1/people/{id}/reveal/", "/api/v1/people/{id}/transfer/",
                 "/api/v1/positions/{id}/end/", "/api/v1/users/{id}/reset-password/"):
        assert f"{path}:" in text, path
    assert "tokenAuth" in text


@pytest.fixture
def logged_in(tree):
    user = make_user(tree["zhou"], Role.ORG_DEPT, "zhou")
    client = Client()
    client.force_login(user)
    return client


def test_schema_endpoint(logged_in):
    response = logged_in.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.") and "/api/v1/orgs/" in body["paths"]


def test_schema_and_docs_need_a_signed_in_user(db):
    for url in ("/api/schema/", "/api/docs/"):
        assert Client().get(url).status_code in (401, 403)


def test_docs_render_offline(logged_in):
    response = logged_in.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    assert not EXTERNAL.search(html), "the API docs reference an outside address"
    assets = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
    assets = [a for a in assets if a != "#"]  # the frame's menu toggles
    assert len(assets) >= 4 and all(a.startswith("/") for a in assets), assets
    # No inline script (the CSP allows only 'self'): the settings script is a separate, local URL.
    assert "<script>" not in html
    scripts = [a for a in assets if a.startswith("/api/docs/?")]
    assert scripts
    # The docs open inside the platform's frame (core.apidocs): Swagger UI from the sidecar, the rest the
    # platform's own pages and static files.
    assert any(a.startswith(settings.STATIC_URL + "drf_spectacular_sidecar/") for a in assets), assets
    for url in assets:
        if url in scripts or not url.startswith(settings.STATIC_URL):
            continue
        assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} is not a local static file"
    script = logged_in.get(scripts[0])
    assert script.status_code == 200
    body = script.content.decode()
    assert not re.search(r"https?://", body)
    # Swagger UI would otherwise load a validation badge from validator.swagger.io.
    assert '"validatorUrl": null' in body


def test_schema_is_generated_once_per_language(logged_in, monkeypatch):
    """The schema describes the code: generated once per process and language, then served from memory."""
    from drf_spectacular.generators import SchemaGenerator

    from dangjian.core.apidocs import CachedSchemaView

    CachedSchemaView._cache.clear()
    calls = []
    original = SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema",
                        lambda self, *a, **kw: calls.append(1) or original(self, *a, **kw))
    first = logged_in.get("/api/schema/", HTTP_ACCEPT="application/json")
    second = logged_in.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert len(calls) == 1
    CachedSchemaView._cache.clear()
