"""The people filter replaces the scope by the chosen organization's subtree (one indexed column) only for an
organization the user may see: another county's organization never widens what they see."""

from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.conftest import make_person
from dangjian.orgs.filters import PersonFilter
from dangjian.orgs.models import Person


def test_a_chosen_organization_narrows_to_one_column(tree, users):
    make_person(tree["wujiatai"], name="宣恩党员")
    filterset = PersonFilter({"org": tree["wanzhai"].pk}, queryset=Person.objects.visible_to(users["zhou_admin"]),
                             user=users["zhou_admin"])
    where = str(filterset.qs.query).split(" WHERE ", 1)[1]
    assert '"township_id" = ' in where and "prefecture_id" not in where
    assert [p.name for p in filterset.qs] == ["宣恩党员"]


def test_an_organization_outside_the_scope_is_refused_not_widened(client, tree, users):
    make_person(tree["wujiatai"], name="宣恩党员")
    client.force_login(users["badong_admin"])
    page = client.get(reverse("orgs:person_list"), {"org": tree["wanzhai"].pk}).content.decode()
    assert "宣恩党员" not in page
    api = APIClient()
    api.force_authenticate(users["badong_admin"])
    response = api.get("/api/v1/people/", {"org": tree["wanzhai"].pk})
    assert response.status_code == 400 and "宣恩党员" not in response.content.decode()
