"""The one organization picker: sources decided on the server, results (radio inputs or links) showing names
and upper organizations' names only, a fixed number of queries, and the one OrgChoiceField that keeps the pick
after a validation error."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.conftest import make_org
from dangjian.core.exceptions import NotInScope
from dangjian.orgs import services
from dangjian.orgs.forms.fields import OrgChoiceField
from dangjian.orgs.forms.orgs import OrgMoveForm
from dangjian.orgs.forms.people import PositionForm, TransferForm
from dangjian.orgs.models import Level, Org
from dangjian.orgs.selectors import pickers

PICKER = "/orgs/picker/"
MSG_SCOPE = "请选择您管理范围内的组织。"


def login(user):
    client = Client()
    client.force_login(user)
    return client


def get(client, **params):
    return client.get(PICKER, params)


def test_the_url():
    assert reverse("orgs:org_picker") == PICKER


# --- sources -------------------------------------------------------------------------------------------------


def test_visible_source_offers_active_orgs_in_scope_with_their_upper_names(tree, users):
    client = login(users["wanzhai"])
    response = get(client, source="visible", field="org", q="伍家台")
    orgs = response.context["orgs"]
    assert [o.name for o in orgs] == ["伍家台村第一党支部", "中共伍家台村支部委员会"]  # name prefix first
    assert orgs[0].ancestor_names == ["中共万寨乡委员会", "中共伍家台村支部委员会"]  # from the user's own org down
    assert orgs[1].ancestor_names == ["中共万寨乡委员会"]
    html = response.content.decode()
    assert 'type="radio" name="org"' in html and "中共万寨乡委员会" in html
    services.org_deactivate(actor=users["xuanen_admin"], org=tree["wujiatai_b1"])
    assert "伍家台村第一党支部" not in get(client, source="visible", field="org", q="伍家台").content.decode()


def test_an_outsider_finds_nothing_out_of_scope(tree, users):
    client = login(users["badong_admin"])
    for source in ("visible", "new_member"):
        response = get(client, source=source, field="org", q="伍家台")
        assert response.status_code == 200 and response.context["orgs"] == []
        assert "伍家台" not in response.content.decode() and "万寨" not in response.content.decode()


def test_upper_names_are_only_those_the_user_may_see(tree, users):
    orgs = pickers.search("visible", users["wujiatai"], "伍家台")
    assert orgs and all(o.ancestor_names == [] for o in orgs if o.pk == tree["wujiatai"].pk)
    branch = next(o for o in orgs if o.pk == tree["wujiatai_b1"].pk)
    assert branch.ancestor_names == ["中共伍家台村支部委员会"]  # nothing above the secretary's own scope


def test_new_member_source_needs_person_edit(tree, users):
    assert get(login(users["leader"]), source="new_member", target="create", q="伍家台").status_code == 403
    assert get(login(users["wujiatai"]), source="new_member", target="create", q="伍家台").status_code == 200


def test_move_source_offers_the_move_targets_only(tree, users):
    client = login(users["zhou_admin"])
    village = tree["wujiatai"]
    html = get(client, source=f"move:{village.pk}", field="parent", q="信陵").content.decode()
    assert f'value="{tree["xinling"].pk}"' in html
    html = get(client, source=f"move:{village.pk}", field="parent", q="伍家台").content.decode()
    assert "伍家台村第一党支部" not in html  # its own subtree
    html = get(client, source=f"move:{village.pk}", field="parent", q="万寨").content.decode()
    assert f'value="{tree["wanzhai"].pk}"' not in html  # its current parent
    # Another county's organization: 404; a read-only role: 403; nonsense: 404.
    assert get(login(users["badong_admin"]), source=f"move:{village.pk}", field="parent", q="信").status_code == 404
    assert get(login(users["leader"]), source=f"move:{village.pk}", field="parent", q="信").status_code == 403
    assert get(client, source="move:abc", field="parent", q="信").status_code == 404
    assert get(client, source="move", field="parent", q="信").status_code == 404


def test_unknown_source_and_bad_field_name(tree, users):
    client = login(users["xuanen_admin"])
    assert get(client, source="everything", field="org", q="伍").status_code == 404
    assert get(client, field="org", q="伍").status_code == 404
    assert get(client, source="visible", field='org"><script>', q="伍").status_code == 400
    with pytest.raises(NotInScope):
        pickers.queryset("everything", users["xuanen_admin"])


def test_directory_is_installation_wide_and_shows_names_only(tree, users):
    client = login(users["badong_admin"])  # 巴东: 伍家台 is in 宣恩, outside its scope
    response = get(client, source="directory", field="to_org", q="伍家台")
    html = response.content.decode()
    assert "中共伍家台村支部委员会" in html and "中共恩施州委 › 中共宣恩县委 › 中共万寨乡委员会" in html
    results = html[html.index('role="radiogroup"'):]
    # Name, upper names and the radio's value: no code, no level, no member count, no link to a page.
    assert tree["wujiatai"].code not in results and "<a " not in results and "badge" not in results
    assert "/orgs/" not in results
    village = next(o for o in response.context["orgs"] if o.pk == tree["wujiatai"].pk)
    assert village.ancestor_names == ["中共恩施州委", "中共宣恩县委", "中共万寨乡委员会"]
    short = get(client, source="directory", field="to_org", q="伍").content.decode()
    assert "伍家台" not in short and response.context["installation_wide"]
    # No link mode for the directory: links lead to pages of the user's own scope only.
    assert get(client, source="directory", target="list", q="伍家台").status_code == 400


def test_directory_needs_person_edit(tree, users):
    assert get(login(users["leader"]), source="directory", field="to_org", q="伍家台").status_code == 403


# --- links (the people list's filter, the new-member page) -----------------------------------------------------


def test_links_keep_other_params_and_stay_in_scope(tree, users):
    client = login(users["xuanen_admin"])
    response = get(client, source="visible", target="list", q="伍家台", keep="category=full&page=3&org=1")
    links = response.context["links"]
    assert {org.pk for org, _ in links} == {tree["wujiatai"].pk, tree["wujiatai_b1"].pk}
    for org, address in links:
        assert urlparse(address).path == reverse("orgs:person_list")
        assert parse_qs(urlparse(address).query) == {"category": ["full"], "org": [str(org.pk)]}
    assert get(client, source="visible", target="list", q="wjt").context["links"]  # pinyin initials
    assert get(login(users["badong_admin"]), source="visible", target="list", q="伍家台").context["links"] == []
    target = get(client, source="new_member", target="create", q="伍家台").context["links"]
    assert target and all(urlparse(a).path == reverse("orgs:person_create") for _, a in target)
    other = get(client, source="visible", target="https://evil.example/", q="伍家台").context["links"]
    assert all(urlparse(a).path == reverse("orgs:person_list") for _, a in other)


def test_people_list_and_new_member_page_use_the_picker(tree, users):
    client = login(users["xuanen_admin"])
    html = client.get(reverse("orgs:person_list"), {"category": "full"}).content.decode()
    assert "/orgs/picker/?source=visible&amp;target=list&amp;keep=category%3Dfull" in html
    for i in range(21):
        make_org(tree["wujiatai"], f"测试支部{i}", f"T-P-{i}", Level.BRANCH, kind=Org.Kind.BRANCH)
    html = client.get(reverse("orgs:person_create")).content.decode()
    assert "/orgs/picker/?source=new_member&amp;target=create" in html


# --- query count -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [
    {"source": "visible", "field": "org"}, {"source": "visible", "target": "list"},
    {"source": "new_member", "target": "create"}, {"source": "directory", "field": "to_org"},
])
def test_picker_queries_do_not_grow_with_results(tree, users, params, django_assert_max_num_queries):
    client = login(users["zhou_admin"])
    get(client, **params, q="伍家台")  # warm the session and the user
    for i in range(15):
        make_org(tree["wujiatai"], f"伍家台测试支部{i}", f"T-Q-{i}", Level.BRANCH, kind=Org.Kind.BRANCH)
    # session, user, the user's organization, the results, their upper names (+ the session save).
    with django_assert_max_num_queries(8):
        response = get(client, **params, q="伍家台")
    assert len(response.context.get("orgs") or response.context.get("links")) == 17


# --- the field -------------------------------------------------------------------------------------------------


def test_one_field_class_everywhere(tree, users):
    assert isinstance(PositionForm(user=users["xuanen_admin"]).fields["org"], OrgChoiceField)
    assert isinstance(TransferForm(user=users["xuanen_admin"]).fields["to_org"], OrgChoiceField)
    move = OrgMoveForm(user=users["xuanen_admin"], org=tree["wujiatai"])
    assert isinstance(move.fields["parent"], OrgChoiceField)
    assert move.fields["parent"].source == f"move:{tree['wujiatai'].pk}"
    from dangjian.accounts.forms import UserCreateForm

    assert isinstance(UserCreateForm(actor=users["sysadmin"]).fields["org"], OrgChoiceField)


def test_field_validates_against_its_source_for_the_user(tree, users):
    form = PositionForm({"org": tree["yunlong"].pk}, user=users["xuanen_admin"])  # 巴东: not in 宣恩's scope
    assert not form.is_valid() and form.errors["org"] == [MSG_SCOPE]
    form = TransferForm({"mode": "inside", "to_org": tree["yunlong"].pk, "transferred_on": "2026-01-01"},
                        user=users["xuanen_admin"])
    assert form.is_valid(), form.errors  # the directory: any active organization of the platform


def test_field_keeps_the_pick_after_an_error(tree, users):
    form = PositionForm({"org": tree["wujiatai"].pk, "title": "secretary"}, user=users["xuanen_admin"])
    assert not form.is_valid() and "person" in form.errors
    html = str(form["org"])
    assert f'name="org" value="{tree["wujiatai"].pk}" checked' in html and "中共伍家台村支部委员会" in html
    assert 'id="id_org"' in html and 'hx-get="/orgs/picker/?source=visible&amp;field=org"' in html
    assert 'form="picker-detached"' in html  # the search box is never submitted
    bad = PositionForm({"org": tree["yunlong"].pk}, user=users["xuanen_admin"])
    bad.is_valid()
    assert "checked" not in str(bad["org"])  # an organization outside scope is never shown back
