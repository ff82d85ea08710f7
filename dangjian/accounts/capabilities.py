"""Capabilities of accounts and security: one per administrator of 三员分立 (core.permissions)."""

from django.utils.translation import gettext_lazy as _

from dangjian.core import permissions
from dangjian.core.permissions import Role, capability

USER_MANAGE = capability("user.manage", _("Manage accounts"), roles=[Role.SYSADMIN])
SECURITY_MANAGE = capability("security.manage", _("Manage security policy and lockouts"), roles=[Role.SECADMIN])
# The audit log's capability is core's (core.permissions.AUDIT_VIEW): core.AuditEntry declares it.
AUDIT_VIEW = permissions.AUDIT_VIEW
