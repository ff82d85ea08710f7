"""Account services: every rule, its refusal (clear Chinese message, nothing changed) and its success."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from dangjian.accounts import grants, selectors, services
from dangjian.accounts.models import User
from dangjian.accounts.roles import ADMIN_ROLES, Role
from dangjian.conftest import PASSWORD, make_person, make_user
from dangjian.core import audit
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import AuditEntry

NEW_PASSWORD = "Enshi#Village9"


def _messages(exc):
    return json.dumps(exc.value.message_dict if hasattr(exc.value, "error_dict") else exc.value.messages,
                      ensure_ascii=False)


def _create(actor, org, role, username="newuser", **extra):
    data = {"username": username, "name": "张三", "org": org, "role": role, "password": NEW_PASSWORD}
    data.update(extra)
    return services.user_create(actor=actor, **data)


def _counts():
    return User.objects.count(), AuditEntry.objects.count()


# --- create ----------------------------------------------------------------------------------------------


def test_county_sysadmin_creates_a_township_user_in_scope(tree, users):
    user = _create(users["badong_sysadmin"], tree["xinling"], Role.TOWNSHIP, username="  XinLing01 ")
    assert user.username == "xinling01"
    assert user.must_change_password is True
    assert user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.create", actor__isnull=False)
    assert entry.actor_id == users["badong_sysadmin"].pk
    assert entry.object_id == str(user.pk)
    assert entry.after["role"] == "township" and entry.after["org"] == tree["xinling"].pk
    dumped = json.dumps([entry.before, entry.after, entry.object_repr], ensure_ascii=False)
    assert NEW_PASSWORD not in dumped and user.password not in dumped and "password" not in entry.after


def test_county_sysadmin_cannot_create_a_user_in_another_county(tree, users):
    before = _counts()
    with pytest.raises(NotInScope):
        _create(users["badong_sysadmin"], tree["wanzhai"], Role.TOWNSHIP)
    with pytest.raises(NotInScope):
        _create(users["badong_sysadmin"], tree["zhou"], Role.MEMBER)  # above their own org: not in subtree
    assert _counts() == before


def test_only_the_system_administrator_manages_accounts(tree, users):
    before = _counts()
    for name in ("zhou_admin", "secadmin", "auditor", "wanzhai"):
        with pytest.raises(PermissionDenied) as exc:
            _create(users[name], tree["wujiatai"], Role.MEMBER)
        assert "只有系统管理员可以管理账号" in str(exc.value)
    assert _counts() == before


def test_never_a_role_above_your_own(tree, users):
    township_staff = users["wanzhai"]  # a lower role, as if it could manage accounts
    errors = services.grant_errors(township_staff, tree["wujiatai"], Role.ORG_DEPT)
    assert errors == {"role": "不能授予高于本人的角色。"}
    assert services.grant_errors(township_staff, tree["wujiatai"], Role.SECRETARY) == {}


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_admin_roles_only_strictly_below_the_granting_admin(tree, users, role):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _create(users["sysadmin"], tree["zhou"], role)  # a peer at the prefecture's own level
    assert exc.value.message_dict["role"] == ["管理员角色只能授予本级以下组织的账号。"]
    with pytest.raises(ValidationError):
        _create(users["badong_sysadmin"], tree["badong"], role)
    assert _counts() == before
    created = _create(users["sysadmin"], tree["xuanen"], role)  # a county administrator, below
    if grants.role_needs_approval(role):  # the security administrator: only once approved (accounts.grants)
        assert created.role == Role.MEMBER and selectors.pending_grant(created).role == role
    else:
        assert created.role == role


def test_role_must_be_allowed_at_the_org_level(tree, users):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _create(users["sysadmin"], tree["badong"], Role.TOWNSHIP)  # township staff at a county
    assert exc.value.message_dict["role"] == ["“乡镇党委”角色不能设在中共巴东县委这一层级。"]
    with pytest.raises(ValidationError) as exc:
        _create(users["badong_sysadmin"], tree["xinling"], Role.AUDITOR)  # auditors: prefecture/county only
    assert "不能设在" in exc.value.message_dict["role"][0]
    assert _counts() == before
    assert _create(users["badong_sysadmin"], tree["yunlong"], Role.SECRETARY).org == tree["yunlong"]


def test_username_is_unique_with_a_clear_message(tree, users):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _create(users["sysadmin"], tree["xuanen"], Role.LEADER, username="Wanzhai")
    assert exc.value.message_dict["username"] == ["该用户名已被占用。"]
    with pytest.raises(ValidationError) as exc:
        _create(users["sysadmin"], tree["xuanen"], Role.LEADER, username="张三")
    assert "小写字母" in exc.value.message_dict["username"][0]
    assert _counts() == before


@pytest.mark.parametrize(("password", "fragment"), [
    ("Ab1!", "至少"),                    # too short
    ("abcdefgh1", "3 类"),               # two classes
    ("Xnewuser#2024", "不能包含用户名"),  # contains the username
])
def test_password_policy_on_create(tree, users, password, fragment):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _create(users["sysadmin"], tree["xuanen"], Role.LEADER, password=password)
    assert fragment in " ".join(exc.value.message_dict["password"])
    assert _counts() == before


def test_deactivated_org_refused(tree, users):
    from dangjian.orgs.models import Org

    Org.objects.filter(pk=tree["xiaohe"].pk).update(is_active=False)
    tree["xiaohe"].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _create(users["sysadmin"], tree["xiaohe"], Role.TOWNSHIP)
    assert exc.value.message_dict["org"] == ["该组织已停用。"]


def test_member_record_must_belong_to_the_org_subtree(tree, users):
    inside = make_person(tree["wujiatai_b1"])
    outside = make_person(tree["yunlong"])
    with pytest.raises(ValidationError) as exc:
        _create(users["sysadmin"], tree["wujiatai"], Role.SECRETARY, person=outside)
    assert "person" in exc.value.message_dict
    user = _create(users["sysadmin"], tree["wujiatai"], Role.SECRETARY, person=inside)
    assert user.person == inside


def test_the_system_creates_the_first_administrators(tree):
    """actor=None is the installation itself: no scope, level rules still apply, and it alone may skip the
    forced first-login change (demo mode)."""
    user = _create(None, tree["zhou"], Role.AUDITOR, username="root-auditor", must_change_password=False)
    assert user.must_change_password is False
    assert AuditEntry.objects.get(action="user.create", object_id=str(user.pk)).actor_id is None


def test_an_administrator_cannot_skip_the_forced_change(tree, users):
    user = _create(users["sysadmin"], tree["xuanen"], Role.LEADER, must_change_password=False)
    assert user.must_change_password is True


# --- 三员分立 -------------------------------------------------------------------------------------------


def test_no_account_holds_two_admin_roles():
    """The role is one column: there is nowhere to write a second role, and the CHECK constraint refuses any
    value that is not exactly one known role (e.g. two joined)."""
    role_fields = [f for f in User._meta.get_fields() if "role" in f.name or f.many_to_many]
    assert [f.name for f in role_fields] == ["role"]


@pytest.mark.parametrize("value", ["sysadmin,auditor", "secadmin|auditor", "secadmin auditor", ""])
def test_database_refuses_a_second_role(tree, users, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=users["sysadmin"].pk).update(role=value)
    assert User.objects.get(pk=users["sysadmin"].pk).role == Role.SYSADMIN


def test_sysadmin_cannot_manage_the_security_or_audit_administrator_beside_them(tree, users):
    actor = users["sysadmin"]
    for target in (users["secadmin"], users["auditor"]):
        password = target.password
        with pytest.raises(PermissionDenied):
            services.user_reset_password(actor=actor, user=target, password=NEW_PASSWORD)
        with pytest.raises(PermissionDenied):
            services.user_disable(actor=actor, user=target)
        with pytest.raises(PermissionDenied):
            services.user_update(actor=actor, user=target, role=Role.MEMBER)
        target.refresh_from_db()
        assert target.password == password and target.is_active and target.role in ADMIN_ROLES
    assert not AuditEntry.objects.filter(action__startswith="user.", actor__isnull=False).exists()
    assert not services.can_manage(actor, users["secadmin"])
    assert services.can_manage(actor, users["badong_sysadmin"])  # a county administrator below


# --- update -----------------------------------------------------------------------------------------------


def test_update_name_org_role(tree, users):
    target = users["wanzhai"]
    user = services.user_update(actor=users["sysadmin"], user=target, name="李四", org=tree["wujiatai"],
                                role=Role.SECRETARY)
    assert (user.name, user.org, user.role) == ("李四", tree["wujiatai"], Role.SECRETARY)
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before["role"] == "township" and entry.after["role"] == "secretary"


def test_update_refusals_change_nothing(tree, users):
    target = users["wujiatai"]  # a secretary in 宣恩县
    with pytest.raises(NotInScope):
        services.user_update(actor=users["badong_sysadmin"], user=target, name="x")  # other county
    with pytest.raises(NotInScope):  # moving a user out of the actor's subtree
        services.user_update(actor=users["badong_sysadmin"], user=users["xiaohe"], org=tree["xinling"])
    badong_user = make_user(tree["yunlong"], Role.SECRETARY, "yunlong")
    with pytest.raises(NotInScope):
        services.user_update(actor=users["badong_sysadmin"], user=badong_user, org=tree["wujiatai"])
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=users["sysadmin"], user=target, role=Role.ORG_DEPT)  # not at a village
    assert "不能设在" in exc.value.message_dict["role"][0]
    target.refresh_from_db()
    badong_user.refresh_from_db()
    assert target.role == Role.SECRETARY and badong_user.org == tree["yunlong"]
    assert not AuditEntry.objects.filter(action="user.update").exists()


def test_admin_cannot_demote_or_move_themself(tree, users):
    me = users["badong_sysadmin"]
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=me, user=me, role=Role.MEMBER)
    assert exc.value.message_dict["role"] == ["不能更改本人的角色。"]
    with pytest.raises(ValidationError):
        services.user_update(actor=me, user=me, org=tree["xinling"])
    me.refresh_from_db()
    assert me.role == Role.SYSADMIN and me.org == tree["badong"]
    assert services.user_update(actor=me, user=me, name="王五").name == "王五"  # the name is theirs to fix


# --- reset password, disable, enable --------------------------------------------------------------------


def test_reset_password_forces_a_change_and_ends_tokens(tree, users):
    target = users["wanzhai"]
    Token.objects.create(user=target)
    old_hash = target.get_session_auth_hash()
    services.user_reset_password(actor=users["sysadmin"], user=target, password=NEW_PASSWORD)
    target.refresh_from_db()
    assert target.must_change_password is True
    assert target.check_password(NEW_PASSWORD)
    assert target.get_session_auth_hash() != old_hash
    assert not Token.objects.filter(user=target).exists()
    entry = AuditEntry.objects.get(action="user.reset_password")
    dumped = json.dumps([entry.before, entry.after, entry.object_repr], ensure_ascii=False)
    assert NEW_PASSWORD not in dumped and target.password not in dumped and "pbkdf2" not in dumped


def test_reset_password_refusals(tree, users):
    target = users["wanzhai"]
    with pytest.raises(ValidationError) as exc:
        services.user_reset_password(actor=users["sysadmin"], user=target, password="wanzhai")
    assert exc.value.message_dict["password"]
    with pytest.raises(ValidationError) as exc:
        services.user_reset_password(actor=users["sysadmin"], user=users["sysadmin"], password=NEW_PASSWORD)
    assert "修改密码" in exc.value.message_dict["password"][0]
    with pytest.raises(NotInScope):
        services.user_reset_password(actor=users["badong_sysadmin"], user=target, password=NEW_PASSWORD)
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.must_change_password
    assert not AuditEntry.objects.filter(action__startswith="user.", actor__isnull=False).exists()


def test_disable_and_enable(tree, users):
    target = users["wujiatai"]
    Token.objects.create(user=target)
    epoch = target.session_epoch
    services.user_disable(actor=users["sysadmin"], user=target)
    target.refresh_from_db()
    assert not target.is_active and target.session_epoch == epoch + 1
    assert not Token.objects.filter(user=target).exists()
    with pytest.raises(ValidationError) as exc:
        services.user_disable(actor=users["sysadmin"], user=target)
    assert exc.value.messages == ["该账号已停用。"]
    services.user_enable(actor=users["sysadmin"], user=target)
    target.refresh_from_db()
    assert target.is_active
    with pytest.raises(ValidationError):
        services.user_enable(actor=users["sysadmin"], user=target)
    actions = (AuditEntry.objects.filter(action__startswith="user.", actor__isnull=False).order_by("seq")
               .values_list("action", flat=True))
    assert list(actions) == ["user.disable", "user.enable"]


def test_admin_cannot_disable_themself(tree, users):
    me = users["sysadmin"]
    with pytest.raises(ValidationError) as exc:
        services.user_disable(actor=me, user=me)
    assert exc.value.messages == ["不能停用本人账号。"]
    me.refresh_from_db()
    assert me.is_active


def test_disable_out_of_scope_is_404(tree, users):
    with pytest.raises(NotInScope):
        services.user_disable(actor=users["badong_sysadmin"], user=users["wujiatai"])
    assert User.objects.get(pk=users["wujiatai"].pk).is_active


# --- own password ----------------------------------------------------------------------------------------


def test_password_change_clears_the_flag_and_refuses_the_same_password(tree, users):
    user = make_user(tree["wanzhai"], Role.TOWNSHIP, "newbie", must_change_password=True)
    with pytest.raises(ValidationError) as exc:
        services.password_change(user=user, new_password=PASSWORD)
    assert exc.value.message_dict["new_password1"] == ["新密码不能与当前密码相同。"]
    services.password_change(user=user, new_password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.must_change_password is False and user.password_changed_at is not None
    entry = AuditEntry.objects.get(action="auth.password_change")
    assert NEW_PASSWORD not in json.dumps([entry.before, entry.after]) and entry.actor_id == user.pk


def test_create_admin_command(tree, monkeypatch):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.setenv("DANGJIAN_ADMIN_PASSWORD", NEW_PASSWORD)
    out = StringIO()
    call_command("create_admin", org="4228", role="auditor", username="audit-root", name="审计员", stdout=out)
    user = User.objects.get(username="audit-root")
    assert user.role == Role.AUDITOR and user.org == tree["zhou"] and user.must_change_password
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk), actor__isnull=True).exists()
    with pytest.raises(CommandError, match="不能设在"):
        call_command("create_admin", org="422823100", role="sysadmin", username="x-admin", name="某", stdout=out)
    monkeypatch.setenv("DANGJIAN_ADMIN_PASSWORD", "weak")
    with pytest.raises(CommandError, match="password"):
        call_command("create_admin", org="4228", role="sysadmin", username="sys-root", name="某", stdout=out)
    assert not User.objects.filter(username__in=["x-admin", "sys-root"]).exists()


# --- API tokens (one place for page, API and administrators) ---------------------------------------------------


def test_token_issue_rotates_and_audits(users):
    user = users["wanzhai"]
    first = services.token_issue(user=user)
    entry = AuditEntry.objects.get(action="auth.token_issue")
    assert entry.actor_id == user.pk and entry.object_id == str(user.pk) and entry.after == {"previous_tokens_ended": 0}
    second = services.token_issue(user=user)
    assert first.key != second.key
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [second.key]
    assert AuditEntry.objects.filter(action="auth.token_issue").order_by("-seq").first().after == \
        {"previous_tokens_ended": 1}
    assert "auth.token_issue" in audit.ACTION_LABELS


def test_token_issue_refuses_a_disabled_account_and_changes_nothing(users):
    user = users["wanzhai"]
    token = services.token_issue(user=user)
    services.user_disable(actor=users["sysadmin"], user=user)  # ends the token itself
    assert not Token.objects.filter(pk=token.pk).exists()
    user.refresh_from_db()
    counts = (Token.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied) as exc:
        services.token_issue(user=user)
    assert "不能获取接口令牌" in str(exc.value)
    assert (Token.objects.count(), AuditEntry.objects.count()) == counts


def test_token_revoke_ends_only_that_accounts_token(users):
    services.token_issue(user=users["wanzhai"])
    other = services.token_issue(user=users["xiaohe"])
    assert services.token_revoke(user=users["wanzhai"]) == 1
    assert services.token_revoke(user=users["wanzhai"]) == 0
    assert list(Token.objects.values_list("key", flat=True)) == [other.key]


def test_reset_and_disable_end_the_token_issued_by_the_service(users):
    services.token_issue(user=users["wanzhai"])
    services.user_reset_password(actor=users["sysadmin"], user=users["wanzhai"], password=NEW_PASSWORD)
    assert not Token.objects.filter(user=users["wanzhai"]).exists()
    assert AuditEntry.objects.get(action="user.reset_password").after["api_tokens_ended"] == 1
