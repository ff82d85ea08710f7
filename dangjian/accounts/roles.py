"""Rules of granting roles. The roles themselves and their capabilities are in core.permissions (each app grants
its own capabilities from its capabilities.py); this module says who may grant which role, and where."""

from dangjian.core.permissions import ADMIN_ROLES, Role, granted  # noqa: F401  (the accounts app's vocabulary)

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
