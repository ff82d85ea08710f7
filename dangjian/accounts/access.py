"""Who is offered the REST API (its documentation in the account menu): the roles whose work has data to read
or write from another program, plus the system administrator for the users API. Members, the security
administrator and the audit administrator work on the pages only (see docs/decisions.md)."""

from .roles import Role

API_ROLES = frozenset({Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY, Role.LEADER, Role.TRAINER, Role.SYSADMIN})


def uses_api(user):
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in API_ROLES)
