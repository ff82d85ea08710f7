"""The app contract: an app that only declares itself (core/tests/contract_app) appears in the menu, on the home
page and in /api/v1/home/, in the summary table and its rebuild, and in the permission matrix; its members see
their own records through the self rule; and a capability nobody registered fails loudly."""

import datetime
import textwrap

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.conftest import make_person, make_user
from dangjian.core import checks, metrics, permissions, workbench
from dangjian.core.exceptions import NotInScope
from dangjian.core.permissions import Role
from dangjian.core.scoping import require_editable
from dangjian.core.testing import all_rows, assert_summary_matches_facts
from dangjian.core.tests.contract_app import services
from dangjian.core.tests.contract_app.metrics import ALL, DONE
from dangjian.core.tests.contract_app.models import Sample

DAY = datetime.date(2024, 5, 6)


@pytest.fixture
def samples(tree, users):
    admin = users["xuanen_admin"]
    alice = make_person(tree["wujiatai"], name="李爱华")
    bob = make_person(tree["wujiatai_b1"], name="王保国")
    made = {
        "a1": services.sample_create(actor=admin, org=tree["wujiatai"], person=alice, title="样本甲", due_on=DAY,
                                     done_on=DAY),
        "a2": services.sample_create(actor=admin, org=tree["wujiatai"], person=alice, title="样本乙", due_on=DAY),
        "b1": services.sample_create(actor=admin, org=tree["wujiatai_b1"], person=bob, title="样本丙",
                                     due_on=DAY + datetime.timedelta(days=3)),
    }
    return {"alice": alice, "bob": bob, **made}


def test_menu_and_home_page_show_the_declared_app(client, users, samples):
    client.force_login(users["xuanen_admin"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("contract_app:list") in page  # the menu entry
    assert 'data-figure="contract.samples.done">1<' in page  # the card
    assert "Sample: 样本乙" in page  # its to-do
    client.force_login(users["badong_admin"])
    page = client.get(reverse("home")).content.decode()
    assert 'data-figure="contract.samples.done">0<' in page and "样本乙" not in page


def test_menu_entry_follows_the_capability(users):
    def urls(user):
        return [item["url"] for group in workbench.menu(user) for item in group["items"]]

    assert reverse("contract_app:list") in urls(users["wujiatai"])
    assert reverse("contract_app:list") not in urls(users["leader"])  # no sample.view


def test_home_api_figure_counts_its_list(users, samples):
    api = APIClient()
    api.force_authenticate(users["xuanen_admin"])
    card = next(c for c in api.get(reverse("api-home")).json()["cards"] if c["key"] == "contract.samples")
    figure = card["figures"][0]
    assert figure["value"] == 1 and api.get(figure["url"]).json()["count"] == 1


def test_kept_flow_metric_follows_every_write_and_the_rebuild(users, samples):
    admin = users["xuanen_admin"]
    assert_summary_matches_facts()
    services.sample_done(actor=admin, sample=samples["a2"], done_on=DAY.replace(month=7))
    services.sample_done(actor=admin, sample=samples["a1"], done_on=DAY.replace(year=2023))  # another month
    assert_summary_matches_facts()
    services.sample_delete(actor=admin, sample=samples["a1"])
    assert_summary_matches_facts()
    county = samples["a2"].county
    assert metrics.values([DONE], county) == {DONE: 1}
    assert metrics.values([DONE], county, metrics.Period.year(2024)) == {DONE: 1}
    assert metrics.values([DONE], county, metrics.Period.year(2023)) == {DONE: 0}
    assert metrics.values([ALL], county) == {ALL: 2}  # a kept metric without a condition counts every row


def test_the_matrix_covers_the_declared_app():
    assert {"contract_app:list", "sample-list"} <= {row.name for row in all_rows()}


# --- scope rules: subtree, own records, actions --------------------------------------------------------------


def test_members_see_their_own_records_only(tree, users, samples):
    member = make_user(tree["wujiatai"], Role.MEMBER, "alice", person=samples["alice"])
    assert set(Sample.objects.visible_to(member)) == {samples["a1"], samples["a2"]}
    assert not Sample.objects.editable_by(member).exists()  # owner_actions = ("view",)
    unlinked = users["member"]  # a member account with no member record linked
    assert not Sample.objects.visible_to(unlinked).exists()
    with pytest.raises(PermissionDenied):
        require_editable(member, samples["a1"])
    with pytest.raises(NotInScope):
        require_editable(member, samples["b1"])


def test_the_security_administrator_reaches_accounts_through_the_scoping_module(tree, users):
    from dangjian.accounts.models import User

    badong_secadmin = make_user(tree["badong"], Role.SECADMIN, "badong_sec")
    assert set(User.objects.allowed(badong_secadmin, "unlock")) == {badong_secadmin, users["badong_sysadmin"],
                                                                     users["badong_admin"]}
    assert not User.objects.visible_to(badong_secadmin).exists()  # not the account manager
    assert not User.objects.allowed(users["sysadmin"], "unlock").exists()


# --- capabilities ------------------------------------------------------------------------------------------


def test_unknown_capability_fails_loudly(users):
    with pytest.raises(ImproperlyConfigured):
        users["xuanen_admin"].has_capability("person.veiw")
    assert users["xuanen_admin"].has_capability("sample.edit")
    assert not users["wujiatai"].has_capability("sample.edit")


def test_system_check_finds_unregistered_names_in_source(tmp_path):
    source = tmp_path / "views.py"
    source.write_text(textwrap.dedent('''
        @capability_required("person.view")
        def ok(request): ...

        @capability_required("persn.view")
        def typo(request):
            request.user.has_capability("org.edt")

        class Thing:
            view_capability = "thing.view"
    '''))
    found = sorted(name for _where, name in checks.unregistered_in_source([source]))
    assert found == ["org.edt", "persn.view", "thing.view"]


def test_the_project_passes_the_capability_check():
    assert checks.capabilities_are_registered() == []


def test_role_table_lists_every_capability_once():
    names = [cap.name for cap, _held in permissions.role_table()]
    assert len(names) == len(set(names)) and {"person.reveal", "sample.view", "self.service"} <= set(names)
    reveal = dict(permissions.role_table())
    assert [role for role, held in zip(Role, next(v for c, v in reveal.items() if c.name == "person.reveal"),
                                       strict=True) if held] == [Role.ORG_DEPT]


def test_registering_a_capability_twice_from_another_module_is_refused():
    with pytest.raises(ImproperlyConfigured):
        permissions.capability("person.view", "again")


def test_a_menu_entry_in_an_undeclared_group_fails_the_check(monkeypatch):
    assert checks.menu_groups_are_declared() == []
    monkeypatch.setitem(workbench._MENU, "nowhere:page",
                        workbench.MenuEntry("nowhere", "Lost", "nowhere:page", "ti-x", None, 0))
    assert [error.id for error in checks.menu_groups_are_declared()] == ["core.E002"]
