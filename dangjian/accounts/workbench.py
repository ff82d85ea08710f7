"""The pages of the three administrators in the menu (core.workbench)."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.workbench import menu_entry, menu_group

from .capabilities import AUDIT_VIEW, SECURITY_MANAGE, USER_MANAGE

menu_group("system", _("System"), order=90)
menu_entry("system", _("Users"), "accounts:user_list", "ti-user-cog", capability=USER_MANAGE, order=10)
menu_entry("system", _("Security policy"), "accounts:security", "ti-shield-lock", capability=SECURITY_MANAGE,
           order=20)
menu_entry("system", _("Audit log"), "accounts:audit_list", "ti-file-search", capability=AUDIT_VIEW, order=30)
