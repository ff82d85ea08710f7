"""Pending role grants: no single administrator creates an account that reveals personal data.

When a system administrator creates an account with, or changes an account to, a role that reveals personal data
(accounts.otp.role_requires_second_factor: the capability table decides), the role is not given: the account is
created as a member (or keeps its role) and a pending `RoleGrant` is recorded, in the same transaction. The
security administrator of the account's subtree approves it (the account gets the role) or rejects it, with a
reason; both audited. Nobody decides on a request they made or on their own account, and an approval is refused
when the account has moved since the request or the role can no longer be held there. The system itself
(`actor=None`: installation, demo) gives roles directly.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.scoping import require

from .capabilities import SECURITY_MANAGE
from .models import RoleGrant, User
from .otp import role_requires_second_factor
from .roles import Role

# The role a new account holds while its requested role waits for approval.
WAITING_ROLE = Role.MEMBER


def needs_approval(actor, role):
    return actor is not None and role_requires_second_factor(role)


def grant_request(*, actor, user, role, org):
    """Record (inside the caller's transaction) that `actor` asks for `role` at `org` for `user`; a request
    already pending for the account is withdrawn and replaced."""
    withdraw_pending(user=user, reason=_("Replaced by a later request."))
    grant = RoleGrant.objects.create(user=user, role=role, org=org, requested_by=actor)
    audit.record("user.role_request", actor=actor, obj=user, after={"requested_role": role, "org": org.pk,
                                                                    "grant": grant.pk})
    return grant


def withdraw_pending(*, user, reason):
    """A later change of the account's role or organization makes its pending request moot."""
    return RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING).update(
        status=RoleGrant.Status.WITHDRAWN, decided_at=timezone.now(), reason=reason[:200])


def _locked_grant(actor, grant):
    if actor is None or not actor.has_capability(SECURITY_MANAGE):
        raise PermissionDenied(_("Only the security administrator approves or rejects role grants."))
    require(RoleGrant.objects.visible_to(actor), grant)
    grant = RoleGrant.objects.select_for_update().select_related("org").get(pk=grant.pk)
    if grant.status != RoleGrant.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if actor.pk in (grant.requested_by_id, grant.user_id):
        raise PermissionDenied(_("You cannot decide on your own request or your own account."))
    return grant


def _decide(grant, actor, status, reason):
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.reason = reason[:200]
    grant.save(update_fields=["status", "decided_by", "decided_at", "reason"])


@transaction.atomic
def grant_approve(*, actor, grant, reason=""):
    """Give the requested role: the account must still be active and at the organization of the request, and
    the role must be one that can be held there."""
    from .services import grant_errors

    grant = _locked_grant(actor, grant)
    user = User.objects.select_for_update().get(pk=grant.user_id)
    if not user.is_active:
        raise ValidationError(_("The account is disabled."))
    if user.org_id != grant.org_id:
        raise ValidationError(_("The account has moved to another organization since the request: it must be "
                                "requested again."))
    errors = grant_errors(None, grant.org, grant.role)
    if errors:
        raise ValidationError(errors)
    before = {"role": user.role}
    user.role = grant.role
    user.save(update_fields=["role"])
    _decide(grant, actor, RoleGrant.Status.APPROVED, (reason or "").strip())
    audit.record("user.role_grant_approve", actor=actor, obj=user, before=before,
                 after={"role": grant.role, "grant": grant.pk, "reason": grant.reason})
    return grant


@transaction.atomic
def grant_reject(*, actor, grant, reason):
    """Refuse the requested role, saying why; the account keeps its role."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    grant = _locked_grant(actor, grant)
    _decide(grant, actor, RoleGrant.Status.REJECTED, reason)
    audit.record("user.role_grant_reject", actor=actor, obj=grant.user,
                 after={"requested_role": grant.role, "grant": grant.pk, "reason": grant.reason})
    return grant
