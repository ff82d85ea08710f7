"""The workbench's own entry in the menu (core.workbench)."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.workbench import menu_entry, menu_group

menu_group("workbench", _("Workbench"), order=10)
menu_entry("workbench", _("Home"), "home", "ti-home", order=10)
