"""Capabilities of accounts and security: one per administrator of 三员分立 (core.permissions)."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, capability

USER_MANAGE = capability("user.manage", _("Manage accounts"), roles=[Role.SYSADMIN])
SECURITY_MANAGE = capability("security.manage", _("Manage security policy and lockouts"), roles=[Role.SECADMIN])
AUDIT_VIEW = capability("audit.view", _("Read the audit log"), roles=[Role.AUDITOR])
