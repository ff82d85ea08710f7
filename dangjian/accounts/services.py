"""Writes to accounts: each validates, checks scope and role, writes and audits in one transaction.

Who may manage whom
-------------------
Only a holder of the ``user.manage`` capability (the system administrator) manages accounts, and only inside
the subtree of their own organization: an organization or account outside it does not exist for them (NotInScope).
Inside it, a grant is refused (ValidationError, nothing written) when

* the role ranks above the actor's own (``roles.RANK``);
* the role is one of the three administrators (system, security, audit) and the organization is the actor's
  own: administrator roles are granted only strictly below, so no administrator creates a peer at their own
  level (the top-level administrators are created by the system at installation, ``actor=None``);
* the role cannot be held at the organization's level (``roles.ALLOWED_LEVELS``).

An administrator acts on an existing account only when they could have granted its current role at its
current organization (``can_manage``): a system administrator can therefore never reset the password of, or
disable, the security or audit administrator at their own level (三员分立), nor another system administrator
beside them. Their own account they can neither disable nor demote; they change their own password on the
password page.

No account holds two of the three administrator roles: ``User.role`` is a single column (see models.py).
Passwords and their hashes never reach the audit log.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from dangjian.core import audit
from dangjian.core.exceptions import NotInScope
from dangjian.core.scoping import require
from dangjian.orgs.models import Org, Person

from . import grants, selectors
from .capabilities import SECURITY_MANAGE, USER_MANAGE
from .models import PreviousPassword, User
from .roles import ADMIN_ROLES, ALLOWED_LEVELS, RANK, Role

USER_FIELDS = ("name", "org", "role", "person")


# --- rules --------------------------------------------------------------------------------------------


def _require_manager(actor):
    if actor is None or not actor.is_authenticated or not actor.has_capability(USER_MANAGE):
        raise PermissionDenied(_("Only the system administrator manages accounts."))


def grant_errors(actor, org, role):
    """Field errors that forbid `actor` to give `role` at `org` (an org already known to be in scope);
    empty when the grant is allowed. `actor=None` is the system itself: only the level rule applies."""
    if role not in Role.values:
        return {"role": _("Choose a valid role.")}
    if org is None:
        return {"org": _("Choose the organization.")}
    if actor is not None:
        if RANK[role] > RANK.get(actor.role, 0):
            return {"role": _("You cannot grant a role above your own.")}
        if role in ADMIN_ROLES and org.pk == actor.org_id:
            return {"role": _("An administrator role can only be granted at an organization below your own.")}
    if org.level not in ALLOWED_LEVELS[role]:
        return {"role": _("The role “%(role)s” cannot be held at the level of %(org)s.")
                % {"role": Role(role).label, "org": org.name}}
    return {}


def can_manage(actor, user):
    """Whether `actor` may change the existing account `user` (already known to be in scope): they could have
    granted its current role at its current organization. Never true for the actor's own account."""
    if user.pk == actor.pk or not actor.has_capability(USER_MANAGE):
        return False
    return not grant_errors(actor, user.org, user.role)


def _require_manageable(actor, user):
    if not can_manage(actor, user):
        raise PermissionDenied(_("You cannot manage an account whose role you could not grant."))


def _check_person(person, org, errors):
    """The member record linked to an account belongs to the account's organization subtree."""
    if person is None or org is None:
        return
    if not Person.objects.filter(org.ancestry_q(), pk=person.pk).exists():
        errors.setdefault("person", _("The member record must belong to the account's organization "
                                      "or one of its sub-organizations."))


def _validate_password(password, user, errors):
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if not password:
        errors["password"] = [_("Enter a password.")]


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _end_api_tokens(user):
    """Delete the account's API tokens (at most one); returns how many ended. Callers audit."""
    count, _deleted = Token.objects.filter(user=user).delete()
    return count


def _set_password(user, password):
    """Replace the account's password, keeping the hash of the one it replaces (password history), and end
    every session (a new epoch) and API token of the account. The caller saves `user` and audits; a user
    changing their own password keeps the current session with update_session_auth_hash. Returns how many
    API tokens ended."""
    keep = settings.PASSWORD_HISTORY_COUNT
    if user.password and keep:
        PreviousPassword.objects.create(user=user, password=user.password)
        stale = PreviousPassword.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PreviousPassword.objects.filter(pk__in=list(stale)).delete()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.session_epoch += 1
    user.token_issued_at = None
    return _end_api_tokens(user)


def _reuses_recent_password(user, password):
    """Whether `password` is one of the account's last PASSWORD_HISTORY_COUNT passwords (the current included)."""
    keep = settings.PASSWORD_HISTORY_COUNT
    if keep <= 0:
        return False
    if user.check_password(password):
        return True
    hashes = PreviousPassword.objects.filter(user=user).values_list("password", flat=True)[:keep - 1]
    return any(check_password(password, encoded) for encoded in hashes)


def _locked_user(actor, user):
    """The account row, in the actor's scope (404 otherwise), locked for the rest of the transaction."""
    _require_manager(actor)
    require(User.objects.visible_to(actor), user)
    return User.objects.select_for_update().select_related("org").get(pk=user.pk)


# --- accounts -----------------------------------------------------------------------------------------


@transaction.atomic
def user_create(*, actor, username, name, org, role, password, person=None, must_change_password=True):
    """Create an account at `org` with a temporary `password` that must be changed at first login.

    `actor=None` is the system (installation, demo data); only then, and never in production, may
    `must_change_password` be False: every account an administrator or a command creates in production changes
    its password at first login.
    """
    if org is None:
        raise ValidationError({"org": _("Choose the organization.")})
    if actor is not None:
        _require_manager(actor)
        require(Org.objects.visible_to(actor), org)
    if actor is not None or settings.PRODUCTION:
        must_change_password = True
    # A role that reveals personal data waits for the security administrator (accounts.grants).
    requested_role = role if grants.needs_approval(actor, role) else None
    user = User(
        username=(username or "").strip().lower(), name=(name or "").strip(), org=org, role=role, person=person,
        must_change_password=bool(must_change_password),
    )
    errors = {}
    if not org.is_active:
        errors["org"] = _("The organization has been deactivated.")
    errors.update(grant_errors(actor, org, role))
    _check_person(person, org, errors)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    _validate_password(password, user, errors)
    _raise(errors)
    if requested_role:
        user.role = grants.WAITING_ROLE
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit.record("user.create", actor=actor, obj=user, after=audit.snapshot(user))
    if requested_role:
        grants.grant_request(actor=actor, user=user, role=requested_role, org=org)
    return user


@transaction.atomic
def user_update(*, actor, user, **fields):
    """Change name, organization, role or member record (`person`, None to unlink) of an account."""
    user = _locked_user(actor, user)
    before = audit.snapshot(user)
    new_org = fields.get("org", user.org)
    new_role = fields.get("role", user.role)
    errors = {}
    if user.pk == actor.pk:
        if new_role != user.role:
            errors["role"] = _("You cannot change your own role.")
        if new_org is None or new_org.pk != user.org_id:
            errors["org"] = _("You cannot move your own account to another organization.")
    else:
        _require_manageable(actor, user)
        if new_org is not None and new_org.pk != user.org_id:
            require(Org.objects.visible_to(actor), new_org)
            if not new_org.is_active:
                errors["org"] = _("The organization has been deactivated.")
        if not errors:
            errors.update(grant_errors(actor, new_org, new_role))
    _raise(errors)
    # A role that reveals personal data waits for the security administrator (accounts.grants); any other change
    # of role or organization withdraws a request still pending.
    requested_role = new_role if new_role != user.role and grants.needs_approval(actor, new_role) else None
    if requested_role:
        fields = {**fields, "role": user.role}
    moved = new_org is not None and new_org.pk != user.org_id
    for name in USER_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(user, name, value.strip() if isinstance(value, str) and name == "name" else value)
    _check_person(user.person, user.org, errors)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    _raise(errors)
    user.save()
    audit.record("user.update", actor=actor, obj=user, before=before, after=audit.snapshot(user))
    if requested_role:
        grants.grant_request(actor=actor, user=user, role=requested_role, org=user.org)
    elif moved or before.get("role") != user.role:
        grants.withdraw_pending(user=user, reason=_("The account's role or organization was changed."))
    return user


@transaction.atomic
def user_reset_password(*, actor, user, password):
    """Set a temporary password: the account must change it at next login; its sessions and API tokens end."""
    user = _locked_user(actor, user)
    if user.pk == actor.pk:
        raise ValidationError({"password": _("Change your own password on the “Change password” page.")})
    _require_manageable(actor, user)
    if grants.role_needs_approval(user.role) and not user.otp_enrolled:
        # The system administrator would know the password of an account that reveals personal data (or approves
        # such roles) with no second factor to stop them: the security administrator issues it (accounts.grants).
        raise ValidationError({"password": _(
            "This account reveals personal data or manages security and has no second factor yet: its temporary "
            "password is issued by the security administrator.")})
    errors = {}
    _validate_password(password, user, errors)
    _raise(errors)
    tokens = _set_password(user, password)  # every session and API token of the account ends
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password", "password_changed_at", "session_epoch",
                             "token_issued_at"])
    audit.record("user.reset_password", actor=actor, obj=user,
                 after={"must_change_password": True, "api_tokens_ended": tokens})
    return user


@transaction.atomic
def user_disable(*, actor, user):
    """Disable an account: its next request is anonymous (sessions and API tokens end at once)."""
    user = _locked_user(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot disable your own account."))
    _require_manageable(actor, user)
    if not user.is_active:
        raise ValidationError(_("The account is already disabled."))
    user.is_active = False
    user.session_epoch += 1  # sessions opened before stay dead even if the account is enabled again
    user.save(update_fields=["is_active", "session_epoch"])
    tokens = _end_api_tokens(user)
    audit.record("user.disable", actor=actor, obj=user, before={"is_active": True},
                 after={"is_active": False, "api_tokens_ended": tokens})
    return user


@transaction.atomic
def user_enable(*, actor, user):
    user = _locked_user(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot enable your own account."))
    _require_manageable(actor, user)
    if user.is_active:
        raise ValidationError(_("The account is already active."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record("user.enable", actor=actor, obj=user, before={"is_active": False}, after={"is_active": True})
    return user


# --- the account's own password ---------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user, new_password):
    """The user's own change (the old password is checked by the form). Clears the forced-change flag and
    restarts the password's age. Every other session and every API token of the account ends: the caller keeps
    its own session with update_session_auth_hash(request, user)."""
    password_validation.validate_password(new_password, user)
    if user.check_password(new_password):
        raise ValidationError({"new_password1": _("The new password must differ from the current one.")})
    if _reuses_recent_password(user, new_password):
        raise ValidationError({"new_password1": _(
            "You used this password recently: choose one that differs from your last %(count)d passwords."
        ) % {"count": settings.PASSWORD_HISTORY_COUNT}})
    tokens = _set_password(user, new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password", "password_changed_at", "session_epoch",
                             "token_issued_at"])
    audit.record("auth.password_change", actor=user, obj=user, after={"api_tokens_ended": tokens})
    return user


# --- API tokens -----------------------------------------------------------------------------------------------


@transaction.atomic
def token_issue(*, user):
    """A new API token for `user`, who has just proved their password (token login): the previous token stops
    working (one token per account), and the issue is audited. Returns the Token."""
    if user is None or not user.is_active:
        raise PermissionDenied(_("This account cannot receive an API token."))
    ended = _end_api_tokens(user)
    token = Token.objects.create(user=user)
    user.token_issued_at = token.created
    User.objects.filter(pk=user.pk).update(token_issued_at=token.created)
    audit.record("auth.token_issue", actor=user, obj=user, after={"previous_tokens_ended": ended})
    return token


@transaction.atomic
def token_revoke(*, user):
    """End the account's API token (API logout); the logout itself is audited by the login signals."""
    return _end_api_tokens(user)


# --- security administrator -----------------------------------------------------------------------------


@transaction.atomic
def account_unlock(*, actor, username):
    """Lift a login lockout early (security administrator, accounts in their subtree)."""
    from axes.utils import reset

    if actor is None or not actor.has_capability(SECURITY_MANAGE):
        raise PermissionDenied(_("Only the security administrator unlocks accounts."))
    user = selectors.security_scope_users(actor).filter(username=username).first()
    if user is None:
        raise NotInScope
    if not selectors.recent_failures(username):
        raise ValidationError(_("This account is not locked."))
    cleared = reset(username=username)
    audit.record("user.unlock", actor=actor, obj=user, after={"failed_attempt_records_cleared": cleared})
    return cleared

