"""Audit entries for login success, failure, lockout and logout, on every login path (page and API).

Failures and lockouts have no actor (nobody is signed in); the attempted username is the object, with the
account's id when such an account exists, so the auditor finds every event of one account by object id.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.core import audit
from dangjian.core.models import AuditEntry


def _account_target(username):
    from .models import User

    username = str(username or "")[:150]
    pk = User.objects.filter(username=username).values_list("pk", flat=True).first() if username else None
    return {"object_type": "accounts.user", "object_id": "" if pk is None else str(pk), "object_repr": username}


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    from .middleware import mark_session_start

    mark_session_start(request, user)
    audit.record("auth.login", actor=user, obj=user)
    _tell_second_factor_reset(request, user)


def _tell_second_factor_reset(request, user):
    """A page login of an account whose second factor the security administrator reset: told once."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    from .otp import take_reset_notice

    session = getattr(request, "session", None)
    if (user.otp_reset_notice and session is not None and session.get("_auth_user_id") == str(user.pk)
            and hasattr(request, "_messages") and take_reset_notice(user)):
        messages.warning(request, _("Your second-factor device was reset by the security administrator. If you "
                                    "did not ask for it, tell the security administrator at once."))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from .throttle import note_failure

    note_failure(request)
    # A wrong second-factor code after a right password (accounts.otp) counts like a wrong password.
    action = "auth.otp_failed" if credentials.get("second_factor") else "auth.login_failed"
    audit.record(action, actor=None, outcome=AuditEntry.Outcome.FAILURE,
                 **_account_target(credentials.get("username")))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit.record("auth.lockout", actor=None, outcome=AuditEntry.Outcome.DENIED, **_account_target(username))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.logout", actor=user, obj=user)
