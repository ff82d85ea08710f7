"""Audit entries for login success, failure, lockout and logout, on every login path (page and API)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.core import audit
from dangjian.core.models import AuditEntry


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record("auth.login", actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        "auth.login_failed", actor=None, outcome=AuditEntry.Outcome.FAILURE,
        object_type="accounts.user", object_repr=username,
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(
        "auth.lockout", actor=None, outcome=AuditEntry.Outcome.DENIED,
        object_type="accounts.user", object_repr=str(username)[:150],
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.logout", actor=user, obj=user)
