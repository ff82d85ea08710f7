"""Reads for the accounts, security and audit pages (and the accounts API)."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.db.models import Sum
from django.utils import timezone

from dangjian.core.crypto import blind_index
from dangjian.core.models import AuditEntry
from dangjian.orgs.filters import OrgFilter
from dangjian.orgs.models import Org, Person

from .models import User

ORG_CHOICES_LIMIT = 300


def users_for(actor):
    """Accounts the actor manages: their organization's subtree (none without ``user.manage``)."""
    return User.objects.visible_to(actor).select_related("org")


def member_by_id_number(org, id_number):
    """The member record with this ID number inside `org`'s subtree (blind index: nothing is decrypted)."""
    value = (id_number or "").strip().upper()
    if not value or org is None:
        return None
    return Person.objects.filter(org.ancestry_q(), id_number_index=blind_index(value)).first()


def org_choices(actor, *, q="", selected=None, limit=ORG_CHOICES_LIMIT):
    """Organizations offered in the account form: the upper levels of the actor's subtree first (tree order),
    or those matching `q` (name or pinyin initials); the selected one is always included."""
    scoped = Org.objects.visible_to(actor).filter(is_active=True)
    if q:
        orgs = list(OrgFilter({"q": q}, queryset=scoped).qs.order_by("path")[:50])
    else:
        orgs = sorted(scoped.order_by("depth", "path")[:limit], key=lambda o: o.path)
    if selected is not None and all(o.pk != selected.pk for o in orgs):
        orgs.insert(0, selected)
    return orgs


# --- security administrator ---------------------------------------------------------------------------


def security_scope_users(actor):
    """Accounts whose login security the (security administrator) actor looks after: their subtree."""
    return User.objects.allowed(actor, "unlock")


def password_policy():
    """What is in force, read from settings (so the page can never disagree with the code)."""
    return {
        "password_rules": password_validation.password_validators_help_texts(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "token_idle_minutes": int(settings.API_TOKEN_IDLE_TIMEOUT.total_seconds() // 60),
        "lockout_by": ", ".join(settings.AXES_LOCKOUT_PARAMETERS),
    }


def _recent_attempts():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def recent_failures(username):
    """Failed logins of `username` that still count towards a lockout."""
    total = _recent_attempts().filter(username=username).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


@dataclass
class LockedAccount:
    user: User
    failures: int
    last_failure: datetime
    locked_until: datetime


def locked_accounts(actor):
    """Accounts of the actor's subtree that are locked now (failures within the cool-off reach the limit),
    each with the time the lock lifts by itself. Two queries, whatever the number of accounts."""
    attempts = list(
        _recent_attempts()
        .filter(username__in=security_scope_users(actor).values("username"))
        .values_list("username", "failures_since_start", "attempt_time")
        .order_by("username", "-attempt_time")
    )
    by_user = {}
    for username, failures, at in attempts:
        by_user.setdefault(username, []).append((failures, at))
    limit, cooloff = settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME
    locked = {}
    for username, rows in by_user.items():
        # The lock holds while the attempts newer than (now - cool-off) add up to the limit: it lifts a
        # cool-off after the oldest of the newest rows that still reach the limit.
        total = 0
        for failures, at in rows:
            total += failures
            if total >= limit:
                locked[username] = (sum(f for f, _ in rows), rows[0][1], at + cooloff)
                break
    users = User.objects.filter(username__in=locked).select_related("org").order_by("username")
    return [LockedAccount(user, *locked[user.username]) for user in users]


# --- audit administrator ---------------------------------------------------------------------------------


def audit_entries():
    """The whole log of the installation: the audit administrator's view is deliberately not org-scoped
    (三员分立: auditing the administrators themselves needs every entry, whatever organization it touches)."""
    return AuditEntry.objects.order_by("-seq")


def audit_entry_hash_ok(entry):
    from dangjian.core.audit import entry_hash

    return entry_hash(entry) == entry.hash

