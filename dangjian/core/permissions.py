"""Who may do what: roles, and the capabilities the apps declare and grant to them.

A role is one column of an account (one role per account keeps 三员分立 structural). A capability is a name
`noun.verb` that an app registers from its `capabilities.py`, with a label and the roles that hold it:

    TOPIC_EDIT = capability("topic.edit", _("Edit secretary topics"), roles=[Role.ORG_DEPT, Role.TOWNSHIP])

Code spells a capability through that constant only. A name that was never registered raises
ImproperlyConfigured wherever it is checked (a typo fails loudly, never silently closed), and the system check
`core.E001` (core.checks) finds such names in decorators, `has_capability(...)` calls and model declarations
before the server starts. The registry is read-only once the apps are loaded; the role table (`role_table()`)
is what the security pages show.
"""

import sys
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_DEPT = "org_dept", _("Organization department administrator")
    TOWNSHIP = "township", _("Township committee staff")
    SECRETARY = "secretary", _("Grassroots secretary")
    LEADER = "leader", _("Leading cadre")
    TRAINER = "trainer", _("Training manager")
    MEMBER = "member", _("Party member")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


# 三员分立: the three administrators see no member data and cannot do each other's work.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# Roles whose holders are party members doing their own work: they may have self-service on their own records.
WORKING_ROLES = tuple(role for role in Role if role not in ADMIN_ROLES)


@dataclass(frozen=True)
class Capability:
    name: str
    label: str
    module: str


_CAPABILITIES: dict[str, Capability] = {}
_GRANTS: dict[str, set[str]] = defaultdict(set)


def capability(name, label, *, roles=()):
    """Register capability `name` with its label, granted to `roles`; returns the name, to be kept as the one
    constant the code uses. Registering the same name twice (from two modules) is a configuration error."""
    module = sys._getframe(1).f_globals.get("__name__", "")
    known = _CAPABILITIES.get(name)
    if known is not None and known.module != module:
        raise ImproperlyConfigured(f"Capability {name!r} is registered by both {known.module} and {module}.")
    unknown_roles = set(roles) - set(Role.values)
    if unknown_roles:
        raise ImproperlyConfigured(f"Capability {name!r} is granted to unknown roles {sorted(unknown_roles)}.")
    _CAPABILITIES[name] = Capability(name, label, module)
    for role in roles:
        _GRANTS[role].add(name)
    return name


def is_registered(name):
    return name in _CAPABILITIES


def check(name):
    """Raise ImproperlyConfigured for a capability nobody registered (a typo must not fail closed unnoticed)."""
    if name not in _CAPABILITIES:
        raise ImproperlyConfigured(f"Unknown capability {name!r}: register it in an app's capabilities.py.")
    return name


def role_has(role, name):
    check(name)
    return name in _GRANTS.get(role, ())


def granted(role):
    """The capabilities of `role`, sorted."""
    return sorted(_GRANTS.get(role, ()))


def all_capabilities():
    return sorted(_CAPABILITIES.values(), key=lambda c: c.name)


def role_table():
    """[(capability, [held by role? for each Role])] — the grants as one table, in Role order."""
    return [(cap, [cap.name in _GRANTS.get(role, ()) for role in Role]) for cap in all_capabilities()]


# Core's own: self-service on one's own records (enrolments, progress, visit logs, nominations…). Models opt
# in by naming their owner field (core.scoping); every role held by a party member has it.
SELF_SERVICE = capability("self.service", _("Use self-service on one's own records"), roles=WORKING_ROLES)
# Declared in core because core's AuditEntry names it as its view capability (core may not import accounts).
AUDIT_VIEW = capability("audit.view", _("Read the audit log"), roles=[Role.AUDITOR])
