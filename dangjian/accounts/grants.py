"""Sensitive roles: no single administrator creates an account that reveals personal data.

A sensitive role is one whose grants include revealing personal data (accounts.otp.SECOND_FACTOR_CAPABILITIES) or
managing security (approving these very grants): the capability table decides, never a list of roles. Managing
security is included because a security administrator the system administrator created and could sign in as would
approve the system administrator's own requests.

When a system administrator creates an account with, or changes an account to, a sensitive role, the role is not
given: the account is created as a member (or keeps its role) and a pending `RoleGrant` is recorded, in the same
transaction. The security administrator of the account's subtree approves it or rejects it, with a reason; both
audited. Nobody decides on a request they made or on their own account, and an approval is refused when the
account has moved since the request or the role can no longer be held there. The system itself (`actor=None`:
installation, demo) gives roles directly.

The approval also replaces the account's password by a temporary one shown to the approving security administrator
only, who hands it to the owner: the system administrator who created the account (and so knew its first password)
cannot sign in as it. For the same reason the system administrator cannot reset the password of an account in a
sensitive role that has no confirmed second factor (with one, the code still guards the account); the security
administrator issues that account a temporary password instead (`security_password_reset`).
"""

import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.exceptions import NotInScope
from dangjian.core.permissions import role_has
from dangjian.core.scoping import require

from .capabilities import SECURITY_MANAGE
from .models import RoleGrant, User
from .otp import role_requires_second_factor
from .roles import Role

# The role a new account holds while its requested role waits for approval.
WAITING_ROLE = Role.MEMBER


def role_needs_approval(role):
    """Whether `role` is sensitive: it reveals personal data or manages security (see the module docstring)."""
    return role_requires_second_factor(role) or role_has(role, SECURITY_MANAGE)


def needs_approval(actor, role):
    return actor is not None and role_needs_approval(role)


def temporary_password(user):
    """A random password that passes the password rules (it must be changed at first login)."""
    rng = secrets.SystemRandom()
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "#@%+=?"
    while True:
        chars = ([rng.choice(letters[0]) for _ in range(3)] + [rng.choice(letters[1]) for _ in range(5)]
                 + [rng.choice(letters[2]) for _ in range(3)] + [rng.choice(letters[3])])
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def _give_temporary_password(user):
    """Replace the account's password (sessions and tokens end); returns the clear password. The caller saves
    nothing more and audits."""
    from .services import _set_password

    password = temporary_password(user)
    tokens = _set_password(user, password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password", "password_changed_at", "session_epoch",
                             "token_issued_at"])
    return password, tokens


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
    the role must be one that can be held there. Returns (grant, temporary password): the account's new password,
    for the approving security administrator to hand to the owner (shown once, never stored in clear)."""
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
    password, tokens = _give_temporary_password(user)
    _decide(grant, actor, RoleGrant.Status.APPROVED, (reason or "").strip())
    audit.record("user.role_grant_approve", actor=actor, obj=user, before=before,
                 after={"role": grant.role, "grant": grant.pk, "reason": grant.reason,
                        "temporary_password_issued": True, "api_tokens_ended": tokens})
    return grant, password


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


@transaction.atomic
def security_password_reset(*, actor, user):
    """The security administrator gives an account of a sensitive role in their subtree a temporary password (the
    system administrator may not while the account has no confirmed second factor). Returns the clear password."""
    from . import selectors

    if actor is None or not actor.has_capability(SECURITY_MANAGE):
        raise PermissionDenied(_("Only the security administrator issues this password."))
    if not selectors.security_scope_users(actor).filter(pk=user.pk).exists():
        raise NotInScope
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError(_("Change your own password on the “Change password” page."))
    if not role_needs_approval(user.role):
        raise ValidationError(_("The system administrator resets the passwords of this role."))
    password, tokens = _give_temporary_password(user)
    audit.record("user.security_reset_password", actor=actor, obj=user,
                 after={"must_change_password": True, "api_tokens_ended": tokens})
    return password
