from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, role_has
from dangjian.core.scoping import ScopedQuerySet

from .capabilities import SECURITY_MANAGE, USER_MANAGE

username_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{1,149}\Z",
    _("Use 2 to 150 lower-case letters, digits, dots, hyphens or underscores, starting with a letter or digit."),
    code="invalid_username",
)


class UserManager(BaseUserManager.from_queryset(ScopedQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(username=username)


class User(AbstractBaseUser):
    """An account: one organization (its scope) and one role.

    One role per account is what keeps 三员分立 in the database: the role column holds a single value, so no
    account can be two of system, security and audit administrator at once (see docs/decisions.md).
    """

    username = models.CharField(
        _("username"), max_length=150, unique=True, validators=[username_validator],
        error_messages={"unique": _("This username is already taken.")},
    )
    name = models.CharField(_("full name"), max_length=50)
    org = models.ForeignKey("orgs.Org", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("member record"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("created at"), default=timezone.now)
    # Bumped when an account is disabled: every session opened before no longer verifies (see
    # get_session_auth_hash), so re-enabling the account does not bring old sessions back.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # When the current API token was issued (one token per account): it ends API_TOKEN_MAX_AGE later, however
    # often it is used (Token.created slides with each use, for the idle timeout).
    token_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Whether the account has a confirmed second-factor device (accounts.otp keeps it in step with django-otp's
    # device table in the same transaction), so the login middleware decides without a query per request.
    otp_enrolled = models.BooleanField(_("second factor enrolled"), default=False, editable=False)
    # The security administrator reset the account's second factor: the owner is told once, at next login.
    otp_reset_notice = models.BooleanField(default=False, editable=False)

    objects = UserManager()
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    scope_field = "org"
    view_capability = USER_MANAGE
    edit_capability = USER_MANAGE
    # The security administrator looks after the login security of the accounts of their subtree.
    scope_actions = {"unlock": SECURITY_MANAGE}

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self):
        return f"{self.name}（{self.username}）" if self.name else self.username

    @property
    def scope_org(self):
        return self.org if self.org_id else None

    def get_session_auth_hash(self):
        """Django hashes the password into the session; we add `session_epoch`, so a password change, a reset
        and a disable each end every existing session of the account."""
        return self._session_hash()

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def _session_hash(self, secret=None):
        return salted_hmac(
            "dangjian.accounts.User.session_auth_hash", f"{self.password}|{self.session_epoch}",
            secret=secret, algorithm="sha256",
        ).hexdigest()

    @property
    def password_expired(self):
        """The password is older than PASSWORD_MAX_AGE (or its age is unknown)."""
        changed = self.password_changed_at
        return changed is None or timezone.now() - changed > settings.PASSWORD_MAX_AGE

    @property
    def password_change_due(self):
        """The account must change its password before anything else: forced (new account, reset) or expired."""
        return self.must_change_password or self.password_expired

    def has_capability(self, name):
        return self.is_active and role_has(self.role, name)


class PreviousPassword(models.Model):
    """The hash of a password the account used before: the last PASSWORD_HISTORY_COUNT cannot be chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="previous_passwords")
    password = models.CharField(max_length=128)
    used_until = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-used_until", "-pk"]

    def __str__(self):
        return f"{self.user_id}@{self.used_until:%Y-%m-%d}"


class RoleGrant(models.Model):
    """A role that a system administrator asked to give and that only the security administrator can give: a role
    whose holders reveal personal data (accounts.otp.role_requires_second_factor). Until it is approved the
    account keeps its role (a new account: member); one pending request per account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="grant_requests")
    role = models.CharField(_("requested role"), max_length=16, choices=Role.choices)
    org = models.ForeignKey("orgs.Org", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org"
    view_capability = SECURITY_MANAGE
    edit_capability = SECURITY_MANAGE

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="rolegrant_one_pending"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="rolegrant_role_valid"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.role} ({self.status})"
