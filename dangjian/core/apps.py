from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "export": _("Export"),  # core.tabular's default when a list names no action of its own
    "summary.rebuild": _("Rebuild the summary figures"),
    "attachment.add": _("Upload attachment"),
    "attachment.delete": _("Delete attachment"),
    "attachment.download": _("Download attachment"),
    "job.download": _("Download a job's file"),
    "data_key.rotate": _("Re-encrypt personal data with the current data key"),
}

# The modules in which every app declares its part of the app contract (docs/decisions.md), read in this order:
# capabilities first, since metrics, menu entries, cards and to-dos name them.
CONTRACT_MODULES = ("capabilities", "metrics", "workbench")


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401  (registers the contract's system checks)
        from .audit import register_actions

        register_actions(AUDIT_ACTIONS)
        for module in CONTRACT_MODULES:
            autodiscover_modules(module)
        # Core's own page in the menu (core.workbench is the registry itself, so it is declared here).
        from .workbench import menu_entry

        menu_entry("workbench", _("My exports"), "jobs:list", "ti-download", order=20)
