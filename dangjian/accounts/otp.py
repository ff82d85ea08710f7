"""The second factor: TOTP codes (django-otp), enrolled by the user with a QR code the platform draws itself.

Who must use it is computed from the capability table, never from a list of roles: a role whose grants include
a capability of SECOND_FACTOR_CAPABILITIES (revealing an ID or phone number — which is also what an export with
clear ID numbers requires: orgs has no separate export capability) signs in with a code when OTP_REQUIRED
(production); elsewhere the second factor is offered. Any account that has a confirmed device gives its code at
every login, required or not.

A wrong code counts as a failed login of the account (django-axes, through `user_login_failed` with
`second_factor` in the credentials), so five wrong codes lock the account like five wrong passwords; django-otp's
own back-off (1 s, 2 s, 4 s…, reset only by a right code) comes on top, and a correct password never resets it.
Every success and failure is audited. A password reset never touches the second factor: only the security
administrator resets it (`otp_reset`), and the owner is told at next login.
"""

import math
from base64 import b32encode

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.core import audit
from dangjian.core.exceptions import NotInScope
from dangjian.core.permissions import role_has
from dangjian.orgs.capabilities import PERSON_REVEAL

from .capabilities import SECURITY_MANAGE
from .models import User

SECOND_FACTOR_CAPABILITIES = (PERSON_REVEAL,)
DEVICE_NAME = "TOTP"


# --- who ------------------------------------------------------------------------------------------------------


def role_requires_second_factor(role):
    """Whether holders of `role` reveal personal data (the capability table decides)."""
    return any(role_has(role, name) for name in SECOND_FACTOR_CAPABILITIES)


def requires_second_factor(user):
    """Whether `user`'s role is one that must sign in with a second factor where it is required."""
    return bool(user is not None and user.is_authenticated and role_requires_second_factor(user.role))


def must_enrol(user):
    """The account must enrol a device before anything else (required here, and it has none)."""
    return settings.OTP_REQUIRED and requires_second_factor(user) and not user.otp_enrolled


def offered(user):
    """The home page invites the account to enrol: its role would require it, the installation does not."""
    return not settings.OTP_REQUIRED and requires_second_factor(user) and not user.otp_enrolled


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user):
    """The account's unconfirmed device, created on first call (a fresh random key); None once enrolled."""
    if user.otp_enrolled:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device):
    """The key in base32, in groups of four, for typing into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The otpauth URI as an inline SVG QR code (segno, drawn here: no outside service sees the key)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


# --- checking a code ------------------------------------------------------------------------------------------


def _normalize(code):
    return "".join(str(code or "").split())


def locked_message(user, device=None):
    """Why no code is checked now, or None: the account is locked (django-axes), or the device waits after a wrong
    code (django-otp's back-off: the attempt is then not a guess, and is not counted)."""
    from .lockout import lockout_message
    from .selectors import lockout_until

    if lockout_until(user.username):
        return lockout_message(user.username)
    if device is not None:
        allowed, info = TOTPDevice.objects.get(pk=device.pk).verify_is_allowed()
        if not allowed and (info or {}).get("locked_until"):
            seconds = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
            return ngettext("Too many wrong codes: wait %(seconds)d second and try again.",
                            "Too many wrong codes: wait %(seconds)d seconds and try again.", seconds) % {
                "seconds": seconds}
    return None


def check_code(request, user, device, code):
    """Whether `code` is the current code of `device` (a device of `user`). A wrong one is a failed login of the
    account: counted by django-axes (which may lock it, auditing the lockout) and by the per-address limit, and
    audited as "auth.otp_failed". Call outside any transaction that might roll back (the count must stay)."""
    code = _normalize(code)
    ok = False
    if code.isdigit() and len(code) <= 8:
        with transaction.atomic():  # the row lock makes a code good once, even for two requests at the same time
            ok = TOTPDevice.objects.select_for_update().get(pk=device.pk).verify_token(code)
    if not ok:
        count_failure(request, user)
    return ok


def count_failure(request, user):
    """A failed second factor: one failed login of the account (lockout, per-address limit, audit)."""
    user_login_failed.send(sender=User, request=request,
                           credentials={"username": user.username, "second_factor": True})


def audit_verified(user):
    audit.record("auth.otp_verified", actor=user, obj=user)


def wrong_code_message():
    return _("The code is wrong or has expired. Enter the code your authenticator app shows now.")


def second_factor_due_message():
    return _("Give your second-factor code (or enrol a device) on the pages before using the API.")


def missing_code_message():
    return _("This account signs in with a second factor: enter the 6-digit code of your authenticator app.")


# --- services ---------------------------------------------------------------------------------------------------


def otp_confirm(*, request, user, code):
    """Enrolment: the first code confirms the account's pending device. Returns the confirmed device; raises
    ValidationError (the failure counted and audited) for a wrong code."""
    if user.otp_enrolled:
        raise ValidationError({"otp": _("A second factor is already enrolled for this account.")})
    device = enrolment_device(user)
    locked = locked_message(user, device)
    if locked:
        raise ValidationError({"otp": locked})
    if not check_code(request, user, device, code):
        raise ValidationError({"otp": locked_message(user) or wrong_code_message()})
    with transaction.atomic():
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        if locked_user.otp_enrolled:
            raise ValidationError({"otp": _("A second factor is already enrolled for this account.")})
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        User.objects.filter(pk=user.pk).update(otp_enrolled=True)
        user.otp_enrolled = True
        audit.record("auth.otp_enrol", actor=user, obj=user, after={"otp_enrolled": True})
    return device


@transaction.atomic
def otp_reset(*, actor, user, reason):
    """The security administrator removes the second factor of an account of their subtree (a lost phone): the
    owner enrols again at next login and is told it was reset; the account's sessions and API tokens end.
    Nobody resets their own, and a password reset never calls this."""
    from . import selectors
    from .services import _end_api_tokens

    if actor is None or not actor.has_capability(SECURITY_MANAGE):
        raise PermissionDenied(_("Only the security administrator resets a second factor."))
    if not selectors.security_scope_users(actor).filter(pk=user.pk).exists():
        raise NotInScope
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot reset your own second factor: ask another security administrator."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reset.")})
    devices = [d for d in devices_for_user(user, confirmed=None)]
    if not devices and not user.otp_enrolled:
        raise ValidationError(_("This account has no second factor."))
    for device in devices:
        device.delete()
    user.otp_enrolled = False
    user.otp_reset_notice = True
    user.session_epoch += 1
    user.token_issued_at = None
    user.save(update_fields=["otp_enrolled", "otp_reset_notice", "session_epoch", "token_issued_at"])
    tokens = _end_api_tokens(user)
    audit.record("user.otp_reset", actor=actor, obj=user, before={"otp_enrolled": True},
                 after={"otp_enrolled": False, "reason": reason[:200], "api_tokens_ended": tokens})
    return user


def take_reset_notice(user):
    """Whether the owner must be told their second factor was reset; told once (the flag is cleared)."""
    if not user.otp_reset_notice:
        return False
    User.objects.filter(pk=user.pk).update(otp_reset_notice=False)
    user.otp_reset_notice = False
    return True
