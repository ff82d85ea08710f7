"""Issue 6, finding 1: no single administrator creates an account that reveals personal data. The system
administrator's request for such a role is a pending grant; only a security administrator of the account's
subtree gives the role, and nobody decides on their own request or account."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.accounts import grants, selectors, services
from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.roles import Role
from dangjian.conftest import make_org, make_user
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import AuditEntry
from dangjian.orgs.capabilities import PERSON_REVEAL
from dangjian.orgs.models import Level

PASSWORD = "Revealer#2026x"


def request_revealer(users, tree, username="newrevealer"):
    return services.user_create(actor=users["sysadmin"], username=username, name="新揭示者", org=tree["xuanen"],
                                role=Role.ORG_DEPT, password=PASSWORD)


def snapshot():
    return (list(User.objects.values_list("pk", "role", "org_id").order_by("pk")),
            list(RoleGrant.objects.values_list("pk", "status", "role", "decided_by_id", "reason").order_by("pk")),
            AuditEntry.objects.count())


def test_the_system_administrator_cannot_create_a_revealer(users, tree):
    account = request_revealer(users, tree)
    assert account.role == Role.MEMBER and not account.has_capability(PERSON_REVEAL)
    grant = RoleGrant.objects.get(user=account)
    assert (grant.status, grant.role, grant.org_id, grant.requested_by_id) == (
        RoleGrant.Status.PENDING, Role.ORG_DEPT, tree["xuanen"].pk, users["sysadmin"].pk)
    entry = AuditEntry.objects.get(action="user.role_request")
    assert (entry.actor_id, entry.object_id, entry.after["requested_role"]) == (
        users["sysadmin"].pk, str(account.pk), Role.ORG_DEPT)
    # Nor by changing a role: the account keeps its own until approval.
    leader = users["leader"]
    services.user_update(actor=users["sysadmin"], user=leader, role=Role.ORG_DEPT, name="改名")
    leader.refresh_from_db()
    assert (leader.role, leader.name) == (Role.LEADER, "改名")
    assert RoleGrant.objects.filter(user=leader, status=RoleGrant.Status.PENDING, role=Role.ORG_DEPT).exists()
    # Other roles are given at once; the system itself (installation) gives any role.
    township = services.user_create(actor=users["sysadmin"], username="newtownship", name="乡镇", org=tree["xiaohe"],
                                    role=Role.TOWNSHIP, password=PASSWORD)
    assert township.role == Role.TOWNSHIP and not RoleGrant.objects.filter(user=township).exists()
    assert make_user(tree["badong"], Role.ORG_DEPT, "installed").role == Role.ORG_DEPT


def test_a_grant_request_is_still_checked_like_a_grant(users, tree):
    before = snapshot()
    with pytest.raises(ValidationError):  # the role cannot be held at a village
        services.user_create(actor=users["sysadmin"], username="villagerevealer", name="村", org=tree["wujiatai"],
                             role=Role.ORG_DEPT, password=PASSWORD)
    with pytest.raises(NotInScope):
        services.user_create(actor=users["badong_sysadmin"], username="outside", name="外", org=tree["xuanen"],
                             role=Role.ORG_DEPT, password=PASSWORD)
    assert snapshot() == before


def test_the_security_administrator_approves(users, tree):
    account = request_revealer(users, tree)
    grant = RoleGrant.objects.get(user=account)
    grants.grant_approve(actor=users["secadmin"], grant=grant, reason="县委组织部新任干部")
    account.refresh_from_db()
    grant.refresh_from_db()
    assert account.role == Role.ORG_DEPT and account.has_capability(PERSON_REVEAL)
    assert (grant.status, grant.decided_by_id, grant.reason) == (
        RoleGrant.Status.APPROVED, users["secadmin"].pk, "县委组织部新任干部")
    entry = AuditEntry.objects.get(action="user.role_grant_approve")
    assert (entry.actor_id, entry.before, entry.after["role"]) == (
        users["secadmin"].pk, {"role": Role.MEMBER}, Role.ORG_DEPT)
    with pytest.raises(ValidationError):  # decided once
        grants.grant_reject(actor=users["secadmin"], grant=grant, reason="晚了")


def test_the_security_administrator_rejects_with_a_reason(users, tree):
    account = request_revealer(users, tree)
    grant = RoleGrant.objects.get(user=account)
    before = snapshot()
    with pytest.raises(ValidationError):
        grants.grant_reject(actor=users["secadmin"], grant=grant, reason="  ")
    assert snapshot() == before
    grants.grant_reject(actor=users["secadmin"], grant=grant, reason="未经组织部门审批")
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.REJECTED and grant.reason == "未经组织部门审批"
    assert User.objects.get(pk=account.pk).role == Role.MEMBER
    assert AuditEntry.objects.filter(action="user.role_grant_reject", actor=users["secadmin"]).count() == 1


@pytest.mark.parametrize("decide", [grants.grant_approve, grants.grant_reject])
def test_who_cannot_decide(users, tree, decide):
    account = request_revealer(users, tree)
    grant = RoleGrant.objects.get(user=account)
    badong_secadmin = make_user(tree["badong"], Role.SECADMIN, "badong_secadmin")
    before = snapshot()
    for actor in (users["sysadmin"], users["auditor"], users["zhou_admin"], account):
        with pytest.raises(PermissionDenied):
            decide(actor=actor, grant=grant, reason="理由")
    with pytest.raises(NotInScope):
        decide(actor=badong_secadmin, grant=grant, reason="理由")
    assert snapshot() == before


def test_nobody_decides_on_their_own_request_or_account(users, tree):
    """No service lets a security administrator request a role, but a row planted in the database (or a later
    change of the rules) must still not let anyone approve for themselves."""
    secadmin = users["secadmin"]
    account = request_revealer(users, tree)
    planted = RoleGrant.objects.filter(user=account).update(requested_by=secadmin)
    assert planted == 1
    with pytest.raises(PermissionDenied):
        grants.grant_approve(actor=secadmin, grant=RoleGrant.objects.get(user=account))
    own = RoleGrant.objects.create(user=secadmin, role=Role.ORG_DEPT, org=tree["zhou"], requested_by=None)
    with pytest.raises(PermissionDenied):
        grants.grant_approve(actor=secadmin, grant=own)
    assert User.objects.get(pk=account.pk).role == Role.MEMBER
    assert User.objects.get(pk=secadmin.pk).role == Role.SECADMIN


def test_an_account_moved_since_the_request_is_not_approved(users, tree):
    account = request_revealer(users, tree)
    grant = RoleGrant.objects.get(user=account)
    RoleGrant.objects.filter(pk=grant.pk).update(org=tree["badong"])  # as if the account had moved after it
    with pytest.raises(ValidationError):
        grants.grant_approve(actor=users["secadmin"], grant=grant)
    assert User.objects.get(pk=account.pk).role == Role.MEMBER


def test_a_later_change_withdraws_the_request(users, tree):
    account = request_revealer(users, tree)
    services.user_update(actor=users["sysadmin"], user=account, role=Role.LEADER)
    assert RoleGrant.objects.get(user=account).status == RoleGrant.Status.WITHDRAWN
    assert User.objects.get(pk=account.pk).role == Role.LEADER


def test_pages_of_both_sides(users, tree):
    sysadmin = Client()
    sysadmin.force_login(users["sysadmin"])
    response = sysadmin.post(reverse("accounts:user_create"), {
        "username": "pagerevealer", "name": "页面", "org": tree["xuanen"].pk, "role": Role.ORG_DEPT,
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    account = User.objects.get(username="pagerevealer")
    detail = sysadmin.get(response["Location"]).content.decode()
    assert "data-pending-grant" in detail
    grant = RoleGrant.objects.get(user=account)
    assert sysadmin.post(reverse("accounts:grant_approve", args=[grant.pk])).status_code == 403

    secadmin = Client()
    secadmin.force_login(users["secadmin"])
    page = secadmin.get(reverse("accounts:security")).content.decode()
    assert f'data-grant="{grant.pk}"' in page and "pagerevealer" in page
    response = secadmin.post(reverse("accounts:grant_approve", args=[grant.pk]), {"reason": "同意"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    account.refresh_from_db()
    assert account.role == Role.ORG_DEPT
    shown = re.search(r"data-password>([^<]+)<", response.content.decode()).group(1)
    assert account.check_password(shown) and not account.check_password(PASSWORD)
    assert f'data-grant="{grant.pk}"' not in secadmin.get(reverse("accounts:security")).content.decode()


def test_users_api_records_a_pending_grant(users, tree, django_assert_max_num_queries):
    api = APIClient()
    api.force_authenticate(users["sysadmin"])
    response = api.post("/api/v1/users/", {"username": "apirevealer", "name": "接口", "org": tree["xuanen"].pk,
                                           "role": "org_dept", "password": PASSWORD}, format="json")
    assert response.status_code == 201
    assert (response.json()["role"], response.json()["pending_role"]) == ("member", "org_dept")
    other = make_org(tree["xuanen"], "另一县直单位", "422825999", Level.TOWNSHIP)
    for n in range(3):
        services.user_create(actor=users["sysadmin"], username=f"many{n}", name="多", org=other,
                             role=Role.TOWNSHIP, password=PASSWORD)
    with django_assert_max_num_queries(8):
        rows = api.get("/api/v1/users/", {"page_size": 100}).json()["results"]
    pending = {row["username"]: row["pending_role"] for row in rows}
    assert pending["apirevealer"] == "org_dept" and pending["many0"] is None
    leader = users["leader"]
    patched = api.patch(f"/api/v1/users/{leader.pk}/", {"role": "org_dept"}, format="json")
    assert patched.status_code == 200 and patched.json()["role"] == "leader"
    assert patched.json()["pending_role"] == "org_dept"


def test_the_approval_replaces_the_password_the_system_administrator_knew(users, tree):
    account = request_revealer(users, tree)
    _, password = grants.grant_approve(actor=users["secadmin"], grant=RoleGrant.objects.get(user=account))
    account.refresh_from_db()
    assert not account.check_password(PASSWORD) and account.check_password(password)
    assert account.must_change_password
    assert Client().post("/accounts/login/", {"username": "newrevealer", "password": PASSWORD}).status_code == 200
    entry = AuditEntry.objects.get(action="user.role_grant_approve")
    assert entry.after["temporary_password_issued"] is True and password not in str(entry.after)


def test_the_system_administrator_cannot_create_a_security_administrator(users, tree):
    account = services.user_create(actor=users["sysadmin"], username="puppet", name="傀儡", org=tree["xuanen"],
                                   role=Role.SECADMIN, password=PASSWORD)
    assert account.role == Role.MEMBER and selectors.pending_grant(account).role == Role.SECADMIN


def test_the_system_administrator_cannot_reset_an_unprotected_revealer(users, tree):
    from .otp_helpers import enrol

    revealer = users["xuanen_admin"]
    before = snapshot(), User.objects.get(pk=revealer.pk).password
    with pytest.raises(ValidationError) as exc:
        services.user_reset_password(actor=users["sysadmin"], user=revealer, password="Attack#2026x")
    assert "password" in exc.value.message_dict
    assert (snapshot(), User.objects.get(pk=revealer.pk).password) == before
    enrol(revealer)  # with a second factor the reset is allowed: the code still guards the account
    services.user_reset_password(actor=users["sysadmin"], user=revealer, password="Attack#2026x")


def test_the_security_administrator_issues_a_temporary_password(users, tree):
    revealer = users["xuanen_admin"]
    badong_secadmin = make_user(tree["badong"], Role.SECADMIN, "badong_secadmin")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        grants.security_password_reset(actor=users["sysadmin"], user=revealer)
    with pytest.raises(NotInScope):
        grants.security_password_reset(actor=badong_secadmin, user=revealer)
    with pytest.raises(ValidationError):  # not a sensitive role: the system administrator's job
        grants.security_password_reset(actor=users["secadmin"], user=users["wanzhai"])
    with pytest.raises(ValidationError):
        grants.security_password_reset(actor=users["secadmin"], user=users["secadmin"])
    assert snapshot() == before
    password = grants.security_password_reset(actor=users["secadmin"], user=revealer)
    revealer.refresh_from_db()
    assert revealer.check_password(password) and revealer.must_change_password
    assert AuditEntry.objects.filter(action="user.security_reset_password", actor=users["secadmin"]).count() == 1

    client = Client()
    client.force_login(users["secadmin"])
    response = client.post(reverse("accounts:security_password_reset", args=[revealer.pk]))
    assert response.status_code == 200 and "data-password" in response.content.decode()
