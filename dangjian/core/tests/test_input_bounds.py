"""Finding 7 of the security review: numbers and dates out of range in a list's filters are refused with the
field's message (400 on the API, the error under the field and an empty list on the pages), never a 500."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

PAGES = [
    ("zhou_admin", "/people/?age_min=99999999999", "age_min"),
    ("zhou_admin", "/people/?joined_year=99999999999999999999", "joined_year"),
    ("zhou_admin", "/people/?age_max=-1", "age_max"),
    ("zhou_admin", "/orgs/?parent=-8.7e178", "parent"),
    ("auditor", "/accounts/audit/?date_from=0001-01-01", "date_from"),
    ("auditor", "/accounts/audit/?date_to=9999-12-31", "date_to"),
]

API = [
    ("zhou_admin", "/api/v1/people/?joined_year=0", "joined_year"),
    ("zhou_admin", "/api/v1/people/?age_max=99999", "age_max"),
    ("zhou_admin", "/api/v1/people/?age_min=1.5", "age_min"),
    ("zhou_admin", "/api/v1/orgs/?parent=-8.7e178", "parent"),
    ("zhou_admin", "/api/v1/orgs/?parent=9007199254740993", "parent"),
    ("zhou_admin", "/api/v1/positions/?person=-2.19e133", "person"),
    ("zhou_admin", "/api/v1/positions/?org=0", "org"),
]


@pytest.mark.parametrize(("who", "url", "field"), PAGES)
def test_pages_show_the_filter_error_and_an_empty_list(client, users, who, url, field, person_factory, tree):
    person_factory(tree["wujiatai"])
    client.force_login(users[who])
    response = client.get(url)
    assert response.status_code == 200
    filterset_form = response.context["filter_form"] if "filter_form" in response.context else \
        response.context["filter"].form
    assert field in filterset_form.errors
    assert filterset_form.errors[field][0] in response.content.decode()  # shown under the field
    assert len(response.context["page"].object_list) == 0


@pytest.mark.parametrize(("who", "url", "field"), API)
def test_api_answers_400_with_the_field_message(users, who, url, field):
    api = APIClient()
    api.force_authenticate(users[who])
    response = api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, response.content
    message = response.json()[field][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


@pytest.mark.parametrize(("url", "field"), [("/people/?age_min=151", "age_min"), ("/people/?age_min=150", None),
                                             ("/people/?joined_year=1899", "joined_year"),
                                             ("/people/?joined_year=2000", None)])
def test_bounds_are_inclusive(client, users, url, field):
    client.force_login(users["zhou_admin"])
    form = client.get(url).context["filter_form"]
    assert (field in form.errors) if field else not form.errors


def test_valid_filters_still_filter(users, tree, person_factory):
    import datetime

    person_factory(tree["wujiatai"], joined_on=datetime.date(2001, 7, 1), full_member_on=datetime.date(2002, 7, 1),
                   birth_date=datetime.date(1976, 3, 4))
    api = APIClient()
    api.force_authenticate(users["zhou_admin"])
    with translation.override("zh-hans"):
        assert api.get("/api/v1/people/?joined_year=2001").json()["count"] == 1
        assert api.get("/api/v1/people/?joined_year=2002").json()["count"] == 0
