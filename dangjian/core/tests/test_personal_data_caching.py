"""Finding 13 of the security review: responses with personal data are never stored by a browser or a proxy,
people searches stay out of the access log, and CSV cells a spreadsheet would evaluate are escaped."""

import csv
import datetime
import io
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from dangjian.core import tabular

ROOT = Path(__file__).resolve().parents[3]


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def person(tree):
    from dangjian.conftest import make_person

    return make_person(tree["wujiatai"], name="张华明")


@pytest.mark.parametrize("url", ["/people/", "/people/?q=张华明", "/people/{pk}/", "/people/export/?format=csv",
                                 "/orgs/export/?format=csv", "/people/transfers/", "/accounts/users/export/"])
def test_person_pages_and_exports_are_not_stored(client, users, person, url):
    client.force_login(users["zhou_admin"] if "users" not in url else users["sysadmin"])
    response = client.get(url.format(pk=person.pk))
    assert response.status_code == 200
    assert no_store(response), response.get("Cache-Control")


@pytest.mark.parametrize("url", ["/api/v1/people/", "/api/v1/people/{pk}/", "/api/v1/positions/"])
def test_person_api_responses_are_not_stored(users, person, url):
    api = APIClient()
    api.force_authenticate(users["zhou_admin"])
    response = api.get(url.format(pk=person.pk))
    assert response.status_code == 200
    assert no_store(response)


def test_an_audit_export_is_not_stored(client, users):
    client.force_login(users["auditor"])
    response = client.get("/accounts/audit/export/?format=csv")
    assert response.status_code == 200
    assert no_store(response)


def test_pages_without_personal_data_keep_the_default(client, users):
    client.force_login(users["zhou_admin"])
    response = client.get("/orgs/")
    assert response.status_code == 200
    assert not no_store(response)


def test_the_access_log_leaves_out_query_strings_and_referers():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    logger = Logger(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/people/?q=%E5%BC%A0%E5%8D%8E%E6%98%8E", "PATH_INFO": "/people/",
               "QUERY_STRING": "q=%E5%BC%A0%E5%8D%8E%E6%98%8E", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "10.0.0.5", "HTTP_REFERER": "https://dj.example/people/?q=%E5%BC%A0"}
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("X-Request-ID", "abc123")])
    line = config.access_log_format % logger.atoms(response, SimpleNamespace(headers=[]), environ,
                                                   datetime.timedelta(milliseconds=42))
    assert '"GET /people/ HTTP/1.1" 200 1234' in line
    assert "abc123" in line
    assert "q=" not in line and "%E5" not in line and "张" not in line


@pytest.mark.django_db
@pytest.mark.parametrize("cell", [";cmd", "\t=cmd", "\r=cmd", "=1+1", "+1", "-1", "@SUM(A1)"])
def test_csv_cells_that_a_spreadsheet_evaluates_are_escaped(cell):
    response = tabular.export(rows=[[cell]], headers=["甲"], title="t", filename="t", fmt="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[1] == ["'" + cell]
