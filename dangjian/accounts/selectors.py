"""Reads for the accounts, security and audit pages (and the accounts API)."""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dangjian.core.audit import ACTION_LABELS
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Person
from dangjian.orgs.selectors.people import by_id_number

from .models import RoleGrant, User


def users_for(actor):
    """Accounts the actor manages: their organization's subtree (none without ``user.manage``), each with the
    role a pending grant asks for (`pending_role`, None when there is none) in the same query."""
    pending = RoleGrant.objects.filter(user=models.OuterRef("pk"), status=RoleGrant.Status.PENDING)
    return (User.objects.visible_to(actor).select_related("org")
            .annotate(pending_role=models.Subquery(pending.values("role")[:1])))


def pending_grant(user):
    """The account's role request waiting for the security administrator, or None."""
    return RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING).first()


def member_by_id_number(org, id_number):
    """The member record with this ID number inside `org`'s subtree (the system administrator sees no member
    data: the record is found, never listed)."""
    if org is None:
        return None
    return by_id_number(Person.objects.filter(org.ancestry_q()), id_number)


# --- security administrator ---------------------------------------------------------------------------


def security_scope_users(actor):
    """Accounts whose login security the (security administrator) actor looks after: their subtree."""
    return User.objects.allowed(actor, "unlock")


def grants_for(actor):
    """Role grants of the accounts in the (security administrator) actor's subtree."""
    return RoleGrant.objects.visible_to(actor).select_related("user", "org", "requested_by")


def pending_grants(actor):
    """Requests waiting for the actor's decision, oldest first. One query."""
    return list(grants_for(actor).filter(status=RoleGrant.Status.PENDING).order_by("requested_at", "pk")[:200])


def second_factor_accounts(actor):
    """Accounts of the actor's subtree in a sensitive role (accounts.grants: they reveal personal data or manage
    security), and any other account that has a second factor: who has enrolled, who has not. One query."""
    from .grants import role_needs_approval
    from .roles import Role

    roles = [role for role in Role.values if role_needs_approval(role)]
    return list(security_scope_users(actor).filter(models.Q(role__in=roles) | models.Q(otp_enrolled=True))
                .select_related("org").order_by("otp_enrolled", "username")[:500])


def password_policy():
    """What is in force, read from settings (so the page can never disagree with the code)."""
    return {
        "password_rules": password_validation.password_validators_help_texts(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "token_idle_minutes": int(settings.API_TOKEN_IDLE_TIMEOUT.total_seconds() // 60),
        "lockout_by": ", ".join(settings.AXES_LOCKOUT_PARAMETERS),
        "password_history": settings.PASSWORD_HISTORY_COUNT,
        "password_max_age_days": settings.PASSWORD_MAX_AGE.days,
        "session_max_hours": int(settings.SESSION_ABSOLUTE_LIFETIME.total_seconds() // 3600),
        "token_max_hours": int(settings.API_TOKEN_MAX_AGE.total_seconds() // 3600),
        "ip_failure_limit": settings.LOGIN_IP_FAILURE_LIMIT,
        "ip_failure_minutes": int(settings.LOGIN_IP_FAILURE_WINDOW.total_seconds() // 60),
        "id_probe_limit": settings.ID_DUPLICATE_PROBE_LIMIT,
    }


ID_PROBE_FLAG_DAYS = 30


@dataclass
class ProbeFlag:
    user: User
    times: int  # throttle entries: the limit reached, then each refused attempt
    last: datetime


def id_probe_flags(actor):
    """Accounts of the actor's subtree flagged for ID-number probing (orgs.services: more than the limit of
    ID numbers registered outside their scope within an hour) in the last ID_PROBE_FLAG_DAYS days, read from the
    audit log; the most recent first. Two queries."""
    since = timezone.now() - dt.timedelta(days=ID_PROBE_FLAG_DAYS)
    rows = (
        AuditEntry.objects.filter(action="person.id_probe_throttled", at__gte=since,
                                  actor__in=security_scope_users(actor))
        .values("actor_id").annotate(times=models.Count("pk"), last=models.Max("at")).order_by("-last")
    )
    rows = list(rows)
    users = User.objects.select_related("org").in_bulk([row["actor_id"] for row in rows])
    return [ProbeFlag(users[row["actor_id"]], row["times"], row["last"]) for row in rows if row["actor_id"] in users]


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


def _lock_lifts(rows):
    """When the lock of one username lifts, from its recent attempt rows [(failures, time)] newest first;
    None when those rows do not reach the limit. The lock holds while the attempts newer than (now - cool-off)
    add up to the limit: it lifts a cool-off after the oldest of the newest rows that still reach the limit."""
    total = 0
    for failures, at in rows:
        total += failures
        if total >= settings.AXES_FAILURE_LIMIT:
            return at + settings.AXES_COOLOFF_TIME
    return None


def lockout_until(username):
    """When the login lockout of `username` lifts, or None when it is not locked. Any username: django-axes
    counts the attempts per username whether such an account exists or not (AXES_LOCKOUT_PARAMETERS)."""
    rows = list(_recent_attempts().filter(username=username)
                .values_list("failures_since_start", "attempt_time").order_by("-attempt_time"))
    until = _lock_lifts(rows)
    return until if until is not None and until > timezone.now() else None


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
    locked = {}
    for username, rows in by_user.items():
        until = _lock_lifts(rows)
        if until is not None:
            locked[username] = (sum(f for f, _at in rows), rows[0][1], until)
    users = User.objects.filter(username__in=locked).select_related("org").order_by("username")
    return [LockedAccount(user, *locked[user.username]) for user in users]


# --- audit administrator ---------------------------------------------------------------------------------


def audit_entries(user):
    """The entries `user` may read: an audit administrator reads those about organizations in their subtree;
    the installation's top-level audit administrator (at the root of the tree) reads every entry, those about
    no organization included (core.AuditEntry.in_subtree)."""
    return AuditEntry.objects.visible_to(user).order_by("-seq")


def audit_entry_hash_ok(entry):
    from dangjian.core.audit import entry_hash

    return entry_hash(entry) == entry.hash



# --- audit: readable labels, objects and changes -------------------------------------------------------------

# Pages of the objects the log names, for models without get_absolute_url().
OBJECT_PAGES = {"orgs.org": "orgs:detail", "orgs.person": "orgs:person_detail", "accounts.user": "accounts:user_detail"}


def audit_action_labels():
    """[(code, label)] of every registered audit action, by label (current language)."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda item: item[1])


def audit_action_codes(text):
    """The action codes whose label (current language) or code contains `text`: 登录 finds 登录, 登录失败…"""
    text = (text or "").strip().lower()
    if not text:
        return set()
    return {code for code, label in ACTION_LABELS.items() if text in str(label).lower() or text in code.lower()}


def audit_model(object_type):
    """The model an entry's object_type ("app_label.model") names, or None (a model since removed, or none)."""
    if not object_type or "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type):
    model = audit_model(object_type)
    return capfirst(model._meta.verbose_name) if model is not None else object_type


def _page_url(model, pk):
    label = model._meta.label_lower
    if label in OBJECT_PAGES:
        try:
            return reverse(OBJECT_PAGES[label], kwargs={"pk": pk})
        except NoReverseMatch:
            return ""
    return ""


def _openable(model, ids, user):
    """Ids among `ids` whose page `user` may open: the object still exists and is in their scope (the audit
    administrator has no capability on domain data: usually none, and then without a query)."""
    if not ids or model._meta.label_lower not in OBJECT_PAGES or not hasattr(model.objects, "visible_to"):
        return set()
    scoped = model.objects.visible_to(user)
    if isinstance(scoped, models.QuerySet) and scoped.query.is_empty():
        return set()
    return set(scoped.filter(pk__in=ids).values_list("pk", flat=True))


def audit_object(entry, user):
    """The entry's object as {type, name, url}: the model's verbose name, the name it had (object_repr), and
    its page when it still exists and `user` may open it."""
    model = audit_model(entry.object_type)
    url = ""
    if model is not None and entry.object_id.isdigit():
        pk = int(entry.object_id)
        if pk in _openable(model, {pk}, user):
            url = _page_url(model, pk)
    return {"type": object_type_label(entry.object_type), "name": entry.object_repr, "url": url}


@dataclass
class Change:
    name: str
    label: str
    before: dict  # {"text", "url"}
    after: dict
    changed: bool  # in before and after, with different values
    unchanged: bool  # in before and after, with the same value


def _related_names(model, ids):
    """{pk: name} of `model` rows, in one query, without loading (or decrypting) anything else."""
    names = {f.name for f in model._meta.concrete_fields}
    if "name" in names:
        return dict(model._base_manager.filter(pk__in=ids).values_list("pk", "name"))
    return {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}


def _fk_id(value):
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None


def _text(field, value):
    if value is None or value == "":
        return "—"
    if field is not None:
        if field.choices:
            display = dict(field.flatchoices).get(value)
            if display is not None:
                return str(display)
        if isinstance(field, models.BooleanField):
            return _("Yes") if value else _("No")
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            try:
                return date_format(timezone.localtime(dt.datetime.fromisoformat(value)), "Y-m-d H:i")
            except ValueError:
                return value
        if isinstance(field, models.DateField) and isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).strftime("%Y-%m-%d")
            except ValueError:
                return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_changes(entry, user):
    """The entry's before/after as rows (field label, before, after), with readable values: display values of
    choices, names instead of ids for foreign keys (one query per related model, for all ids), dates as
    yyyy-mm-dd; masked personal data stays masked (the log only ever holds the mask). Bookkeeping columns (the
    primary key, non-editable fields such as pinyin or timestamps) are left to the raw JSON."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    model = audit_model(entry.object_type)
    keys = list(dict.fromkeys([*before, *after]))
    fields = {}
    for key in keys:
        try:
            field = model._meta.get_field(key) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if field is not None and (field.primary_key or not field.editable):
            continue
        fields[key] = field
    keys = list(fields)
    ids = defaultdict(set)
    for key, field in fields.items():
        if field is not None and field.many_to_one:
            for value in (before.get(key), after.get(key)):
                if _fk_id(value) is not None:
                    ids[field.related_model].add(_fk_id(value))
    names = {related: _related_names(related, pks) for related, pks in ids.items()}
    openable = {related: _openable(related, pks, user) for related, pks in ids.items()}

    def cell(key, source):
        if key not in source:
            return {"text": "", "url": ""}
        field, value = fields[key], source[key]
        if field is not None and field.many_to_one and _fk_id(value) is not None:
            pk = _fk_id(value)
            related = field.related_model
            name = names[related].get(pk, f"#{pk}")
            return {"text": name, "url": _page_url(related, pk) if pk in openable[related] else ""}
        return {"text": _text(field, value), "url": ""}

    rows = []
    for key in keys:
        field = fields[key]
        label = capfirst(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
        both = key in before and key in after
        rows.append(Change(key, str(label), cell(key, before), cell(key, after),
                           both and before[key] != after[key], both and before[key] == after[key]))
    return rows
