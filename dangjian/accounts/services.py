"""Writes to accounts: each validates, checks scope and role, writes and audits in one transaction."""

from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit


@transaction.atomic
def password_change(*, user, new_password):
    """The user's own change (the old password is checked by the form). Clears the forced-change flag."""
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record("auth.password_change", actor=user, obj=user)
    return user
