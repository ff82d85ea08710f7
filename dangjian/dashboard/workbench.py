"""The workbench's own entry in the menu, and the menu groups of the three pillars (core.workbench).

The pillars' groups are declared here, once, because several apps share each of them: stars, showcase and
outreach all belong to 抓示范; supervised tasks (跟踪督办) serve every pillar and sit under the workbench.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.workbench import menu_entry, menu_group

menu_group("workbench", _("Workbench"), order=10)
menu_group("secretaries", pgettext_lazy("pillar", "Secretary accountability"), order=30)
menu_group("showcase", pgettext_lazy("pillar", "Demonstration"), order=40)
menu_group("training", pgettext_lazy("pillar", "Training"), order=50)
menu_entry("workbench", _("Home"), "home", "ti-home", order=10)
