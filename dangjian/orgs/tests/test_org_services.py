"""Every rule of the organization services, with its refusal (clear error, nothing changed) and its success."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.roles import Role
from dangjian.conftest import make_person, make_user
from dangjian.core import audit
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import AuditEntry
from dangjian.orgs import services
from dangjian.orgs.choices import Title
from dangjian.orgs.models import Level, Org, Person, Position, Transfer

pytestmark = pytest.mark.django_db

CJK = range(0x4E00, 0x9FFF)


def chinese(error):
    text = " ".join(error.messages)
    assert any(ord(ch) in CJK for ch in text), text
    return text


def snapshot_tree():
    return list(Org.objects.order_by("pk").values_list(
        "pk", "parent_id", "path", "depth", "county_id", "township_id", "village_id", "is_active", "name", "code"))


def new_org(actor, parent, **overrides):
    fields = {"name": "中共测试村支部委员会", "code": "T-1", "level": Level.VILLAGE, "kind": Org.Kind.BRANCH}
    fields.update(overrides)
    return services.org_create(actor=actor, parent=parent, **fields)


@pytest.fixture
def xinling_user(tree):
    return make_user(tree["xinling"], Role.TOWNSHIP, "xinling")


# --- create --------------------------------------------------------------------------------------------


def test_create_sets_path_depth_ancestry_and_audits(tree, users):
    before = AuditEntry.objects.count()
    org = new_org(users["wanzhai"], tree["wanzhai"], name="中共新建村支部委员会", term_start=datetime.date(2024, 1, 1),
                  term_end=datetime.date(2029, 1, 1))
    assert org.path == tree["wanzhai"].path + f"{org.pk:08d}"
    assert org.depth == tree["wanzhai"].depth + 1
    assert (org.prefecture_id, org.county_id, org.township_id, org.village_id) == (
        tree["zhou"].pk, tree["xuanen"].pk, tree["wanzhai"].pk, org.pk)
    assert org.pinyin_initials.startswith("zgxjc")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.object_id, entry.actor_id) == ("org.create", str(org.pk), users["wanzhai"].pk)
    assert audit.verify() is None


@pytest.mark.parametrize("level", [Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP])
def test_create_refuses_a_level_not_below_the_parent(tree, users, level):
    before, entries = snapshot_tree(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        new_org(users["wanzhai"], tree["wanzhai"], level=level)
    assert "level" in exc.value.message_dict
    chinese(exc.value)
    assert snapshot_tree() == before and AuditEntry.objects.count() == entries


def test_create_refuses_a_duplicate_code(tree, users):
    before = snapshot_tree()
    with pytest.raises(ValidationError) as exc:
        new_org(users["wanzhai"], tree["wanzhai"], code=tree["wujiatai"].code)
    assert "code" in exc.value.message_dict
    chinese(exc.value)
    assert snapshot_tree() == before


def test_create_under_a_deactivated_parent_is_refused(tree, users):
    services.org_deactivate(actor=users["xuanen_admin"], org=tree["xiaohe"])
    tree["xiaohe"].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        new_org(users["xuanen_admin"], tree["xiaohe"])
    chinese(exc.value)


def test_create_outside_scope_is_404_and_read_only_is_403(tree, users):
    with pytest.raises(NotInScope):
        new_org(users["wanzhai"], tree["xinling"])  # another county's township
    with pytest.raises(PermissionDenied):
        new_org(users["leader"], tree["wanzhai"])  # inside the leader's scope, but read-only
    assert not Org.objects.filter(code="T-1").exists()


# --- update --------------------------------------------------------------------------------------------


def test_update_changes_fields_and_audits_before_and_after(tree, users):
    org = services.org_update(actor=users["wanzhai"], org=tree["wujiatai"], name="中共伍家台村委员会",
                              term_end=datetime.date(2027, 5, 1))
    org.refresh_from_db()
    assert org.name == "中共伍家台村委员会" and org.pinyin_initials == "zgwjtcwyh"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "org.update"
    assert entry.before["name"] == "中共伍家台村支部委员会" and entry.after["name"] == "中共伍家台村委员会"
    assert audit.verify() is None


def test_update_refuses_a_duplicate_code(tree, users):
    before = snapshot_tree()
    with pytest.raises(ValidationError) as exc:
        services.org_update(actor=users["xuanen_admin"], org=tree["wanzhai"], code=tree["xiaohe"].code)
    assert "code" in exc.value.message_dict
    assert snapshot_tree() == before


def test_update_refuses_a_level_change_with_children(tree, users):
    before = snapshot_tree()
    with pytest.raises(ValidationError) as exc:
        services.org_update(actor=users["xuanen_admin"], org=tree["wujiatai"], level=Level.BRANCH)
    chinese(exc.value)
    assert snapshot_tree() == before


def test_update_out_of_scope_404_and_read_only_403(tree, users):
    with pytest.raises(NotInScope):
        services.org_update(actor=users["wanzhai"], org=tree["yunlong"], name="x")
    with pytest.raises(NotInScope):
        services.org_update(actor=users["xiaohe"], org=tree["wujiatai"], name="x")
    with pytest.raises(PermissionDenied):
        services.org_update(actor=users["leader"], org=tree["wujiatai"], name="x")
    with pytest.raises(PermissionDenied):
        services.org_update(actor=users["wujiatai"], org=tree["wujiatai_b1"], name="x")  # secretary: people only
    assert Org.objects.get(pk=tree["wujiatai"].pk).name == "中共伍家台村支部委员会"


# --- move ----------------------------------------------------------------------------------------------


def test_move_under_own_descendant_or_itself_is_refused(tree, users):
    before, entries = snapshot_tree(), AuditEntry.objects.count()
    for org, target in (("wanzhai", "wujiatai"), ("wanzhai", "wujiatai_b1"), ("xuanen", "xuanen")):
        with pytest.raises(ValidationError) as exc:
            services.org_move(actor=users["zhou_admin"], org=tree[org], new_parent=tree[target])
        assert "parent" in exc.value.message_dict
        assert "下级组织" in chinese(exc.value)
    assert snapshot_tree() == before and AuditEntry.objects.count() == entries


def test_move_refuses_a_parent_at_the_same_or_lower_level(tree, users):
    before = snapshot_tree()
    with pytest.raises(ValidationError) as exc:
        services.org_move(actor=users["zhou_admin"], org=tree["wanzhai"], new_parent=tree["xinling"])
    assert "level" in exc.value.message_dict
    assert snapshot_tree() == before


def test_move_out_of_scope_404_and_read_only_403(tree, users):
    with pytest.raises(NotInScope):  # the new parent is in another county
        services.org_move(actor=users["xuanen_admin"], org=tree["wujiatai"], new_parent=tree["xinling"])
    with pytest.raises(NotInScope):
        services.org_move(actor=users["wanzhai"], org=tree["yunlong"], new_parent=tree["wanzhai"])
    with pytest.raises(PermissionDenied):
        services.org_move(actor=users["leader"], org=tree["wujiatai"], new_parent=tree["xiaohe"])


def test_move_repaths_the_subtree_and_rewrites_the_ancestry_of_facts(tree, users, xinling_user):
    """伍家台村 (宣恩县万寨乡) moves to 信陵镇 (巴东县): paths, depths and every copied ancestry column follow."""
    admin = users["zhou_admin"]
    village, branch = tree["wujiatai"], tree["wujiatai_b1"]
    born = datetime.date(1980, 5, 5)
    on_village = make_person(village, actor=users["xuanen_admin"], birth_date=born)
    on_branch = make_person(branch, actor=users["xuanen_admin"], birth_date=born.replace(day=6))
    mover = make_person(tree["wanzhai"], actor=users["xuanen_admin"], birth_date=born.replace(day=7))
    services.position_appoint(actor=admin, person=on_village, org=village, title=Title.SECRETARY,
                              start_date=datetime.date(2021, 1, 1))
    services.person_transfer(actor=admin, person=mover, to_org=branch, transferred_on=datetime.date(2023, 3, 1))
    wanzhai_user = users["wanzhai"]
    assert Person.objects.visible_to(wanzhai_user).filter(pk=on_branch.pk).exists()
    assert not Person.objects.visible_to(xinling_user).filter(pk=on_branch.pk).exists()

    services.org_move(actor=admin, org=village, new_parent=tree["xinling"])

    village.refresh_from_db()
    branch.refresh_from_db()
    xinling = tree["xinling"]
    assert village.parent_id == xinling.pk
    assert village.path == xinling.path + f"{village.pk:08d}" and village.depth == xinling.depth + 1
    assert branch.path == village.path + f"{branch.pk:08d}" and branch.depth == village.depth + 1
    for org in (village, branch):
        assert (org.county_id, org.township_id, org.village_id) == (tree["badong"].pk, xinling.pk, village.pk)
    for model, rows in ((Person, 3), (Position, 1), (Transfer, 1)):
        facts = model.objects.filter(village_id=village.pk)
        assert facts.count() == rows
        assert set(facts.values_list("county_id", "township_id")) == {(tree["badong"].pk, xinling.pk)}
    # Scope follows: the new township sees them, the old one no longer does.
    for person in (on_village, on_branch, mover):
        assert Person.objects.visible_to(xinling_user).filter(pk=person.pk).exists()
        assert not Person.objects.visible_to(wanzhai_user).filter(pk=person.pk).exists()
    assert Org.objects.visible_to(xinling_user).filter(pk=branch.pk).exists()
    assert not Org.objects.visible_to(wanzhai_user).filter(pk=branch.pk).exists()
    # ... and the subtree range of the old township no longer contains the moved orgs.
    assert not Org.objects.filter(tree["wanzhai"].subtree_q(), pk__in=[village.pk, branch.pk]).exists()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "org.move" and entry.after["orgs_moved"] == 2 and entry.after["facts_updated"] == 5
    assert audit.verify() is None


def test_moving_the_own_organization_is_refused(tree, users):
    with pytest.raises(ValidationError) as exc:
        services.org_move(actor=users["wanzhai"], org=tree["wanzhai"], new_parent=tree["wanzhai"])
    chinese(exc.value)


# --- deactivate / reactivate -----------------------------------------------------------------------------


def test_deactivate_refused_with_active_children(tree, users):
    with pytest.raises(ValidationError) as exc:
        services.org_deactivate(actor=users["xuanen_admin"], org=tree["wujiatai"])
    chinese(exc.value)
    assert Org.objects.get(pk=tree["wujiatai"].pk).is_active


def test_deactivate_refused_with_current_members(tree, users):
    make_person(tree["wujiatai_b1"])
    with pytest.raises(ValidationError) as exc:
        services.org_deactivate(actor=users["xuanen_admin"], org=tree["wujiatai_b1"])
    chinese(exc.value)
    assert Org.objects.get(pk=tree["wujiatai_b1"].pk).is_active


def test_deactivate_allowed_when_former_members_only(tree, users):
    make_person(tree["wujiatai_b1"], status="deceased")
    services.org_deactivate(actor=users["xuanen_admin"], org=tree["wujiatai_b1"])
    assert not Org.objects.get(pk=tree["wujiatai_b1"].pk).is_active


def test_deactivate_then_reactivate_audited(tree, users):
    admin = users["xuanen_admin"]
    services.org_deactivate(actor=admin, org=tree["wujiatai_b1"])
    assert not Org.objects.get(pk=tree["wujiatai_b1"].pk).is_active
    services.org_deactivate(actor=admin, org=tree["wujiatai"])  # its only child is inactive now
    with pytest.raises(ValidationError) as exc:  # the parent first
        services.org_reactivate(actor=admin, org=tree["wujiatai_b1"])
    chinese(exc.value)
    services.org_reactivate(actor=admin, org=tree["wujiatai"])
    services.org_reactivate(actor=admin, org=tree["wujiatai_b1"])
    assert Org.objects.get(pk=tree["wujiatai_b1"].pk).is_active
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:4])
    assert actions == ["org.reactivate", "org.reactivate", "org.deactivate", "org.deactivate"]
    assert audit.verify() is None


def test_deactivate_own_org_refused_and_scope(tree, users):
    with pytest.raises(ValidationError):
        services.org_deactivate(actor=users["wanzhai"], org=tree["wanzhai"])
    with pytest.raises(NotInScope):
        services.org_deactivate(actor=users["wanzhai"], org=tree["yunlong"])
    with pytest.raises(PermissionDenied):
        services.org_deactivate(actor=users["leader"], org=tree["wujiatai_b1"])
    with pytest.raises(NotInScope):
        services.org_reactivate(actor=users["xiaohe"], org=tree["wujiatai_b1"])
    assert Org.objects.filter(is_active=False).count() == 0


# --- delete --------------------------------------------------------------------------------------------


def test_delete_refused_with_children(tree, users):
    with pytest.raises(ValidationError) as exc:
        services.org_delete(actor=users["xuanen_admin"], org=tree["wujiatai"])
    chinese(exc.value)
    assert Org.objects.filter(pk=tree["wujiatai"].pk).exists()


def test_delete_refused_with_members(tree, users):
    make_person(tree["wujiatai_b1"], status="deceased")  # even a former member is history
    with pytest.raises(ValidationError):
        services.org_delete(actor=users["xuanen_admin"], org=tree["wujiatai_b1"])
    assert Org.objects.filter(pk=tree["wujiatai_b1"].pk).exists()


def test_delete_refused_with_transfer_history(tree, users):
    admin = users["xuanen_admin"]
    empty = new_org(admin, tree["wanzhai"], code="T-EMPTY")
    person = make_person(empty, actor=admin, birth_date=datetime.date(1975, 3, 3))
    services.person_transfer(actor=admin, person=person, to_org=tree["wujiatai"],
                             transferred_on=datetime.date(2024, 1, 1))
    assert not Person.objects.filter(org=empty).exists()
    with pytest.raises(ValidationError):
        services.org_delete(actor=admin, org=empty)
    assert Org.objects.filter(pk=empty.pk).exists()


def test_delete_refused_with_accounts(tree, users):
    with pytest.raises(ValidationError):
        services.org_delete(actor=users["zhou_admin"], org=tree["xiaohe"])  # the xiaohe account sits there
    assert Org.objects.filter(pk=tree["xiaohe"].pk).exists()


def test_delete_an_empty_org_is_allowed_and_audited(tree, users):
    admin = users["xuanen_admin"]
    org = new_org(admin, tree["wanzhai"], code="T-MISTAKE")
    pk = org.pk
    services.org_delete(actor=admin, org=org)
    assert not Org.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_id, entry.before["code"]) == ("org.delete", str(pk), "T-MISTAKE")
    assert audit.verify() is None


def test_delete_out_of_scope_404_and_read_only_403(tree, users):
    org = new_org(users["xuanen_admin"], tree["wanzhai"], code="T-KEEP")
    with pytest.raises(NotInScope):
        services.org_delete(actor=users["xiaohe"], org=org)
    with pytest.raises(PermissionDenied):
        services.org_delete(actor=users["leader"], org=org)
    assert Org.objects.filter(pk=org.pk).exists()
