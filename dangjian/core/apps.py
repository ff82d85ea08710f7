from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "export": _("Export"),  # core.tabular's default when a list names no action of its own
    "job.download": _("Download a job's file"),
}


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .audit import register_actions

        register_actions(AUDIT_ACTIONS)
