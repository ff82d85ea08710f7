from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "supervision.issue": _("Issue a supervised task"),
    "supervision.report": _("Report progress on a supervised task"),
    "supervision.close": _("Close a supervised task"),
    "supervision.return": _("Return a supervised task"),
    "supervision.escalate": _("Escalate an overdue supervised task"),
    "supervision.export": _("Export supervised tasks"),
}


class SupervisionConfig(AppConfig):
    name = "dangjian.supervision"
    label = "supervision"
    verbose_name = _("Supervised tasks")

    def ready(self):
        from dangjian.core.attachments import register_owner
        from dangjian.core.audit import register_actions

        from .models import TaskReport

        register_actions(AUDIT_ACTIONS)
        register_owner(TaskReport)
