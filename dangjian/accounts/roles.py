"""Who may do what: one table. A role's capabilities apply inside the subtree of the user's organization."""

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


class Cap:
    ORG_VIEW = "org.view"
    ORG_EDIT = "org.edit"
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    PERSON_REVEAL = "person.reveal"  # see one ID or phone number in clear, audited
    USER_MANAGE = "user.manage"
    SECURITY_MANAGE = "security.manage"
    AUDIT_VIEW = "audit.view"


CAPABILITIES = {
    Role.ORG_DEPT: {Cap.ORG_VIEW, Cap.ORG_EDIT, Cap.PERSON_VIEW, Cap.PERSON_EDIT, Cap.PERSON_REVEAL},
    Role.TOWNSHIP: {Cap.ORG_VIEW, Cap.ORG_EDIT, Cap.PERSON_VIEW, Cap.PERSON_EDIT},
    Role.SECRETARY: {Cap.ORG_VIEW, Cap.PERSON_VIEW, Cap.PERSON_EDIT},
    Role.LEADER: {Cap.ORG_VIEW, Cap.PERSON_VIEW},
    Role.TRAINER: {Cap.ORG_VIEW, Cap.PERSON_VIEW},
    Role.MEMBER: set(),
    # 三员分立: the three administrators see no member data and cannot do each other's work.
    Role.SYSADMIN: {Cap.ORG_VIEW, Cap.USER_MANAGE},
    Role.SECADMIN: {Cap.SECURITY_MANAGE},
    Role.AUDITOR: {Cap.AUDIT_VIEW},
}

ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

# Rank for "never grant a role above your own"; the three administrators rank highest.
RANK = {
    Role.MEMBER: 10, Role.TRAINER: 20, Role.LEADER: 30, Role.SECRETARY: 30, Role.TOWNSHIP: 40,
    Role.ORG_DEPT: 50, Role.SYSADMIN: 90, Role.SECADMIN: 90, Role.AUDITOR: 90,
}

# Organization levels (orgs.Level values) at which a role can be held.
ALLOWED_LEVELS = {
    Role.ORG_DEPT: {1, 2, 3},
    Role.TOWNSHIP: {4},
    Role.SECRETARY: {4, 5, 6},
    Role.LEADER: {1, 2, 3, 4},
    Role.TRAINER: {1, 2, 3, 4},
    Role.MEMBER: {1, 2, 3, 4, 5, 6},
    Role.SYSADMIN: {1, 2, 3},
    Role.SECADMIN: {1, 2, 3},
    Role.AUDITOR: {1, 2, 3},
}


def capabilities(role):
    return CAPABILITIES.get(role, set())
