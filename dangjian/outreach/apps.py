from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "visit.create": _("Record an outreach visit"),
    "beneficiary.create": _("Register a beneficiary"),
    "beneficiary.update": _("Edit a beneficiary"),
    "beneficiary.duplicate_id": _("Beneficiary refused: ID number already registered"),
    "beneficiary.reveal": _("Reveal a beneficiary's ID or phone number"),
    "beneficiary.export": _("Export beneficiaries"),
    "case.open": _("Open a help case"),
    "case.progress": _("Record help case progress"),
    "case.resolve": _("Resolve a help case"),
    "case.return_visit": _("Record a return visit"),
    "case.reopen": _("Reopen a help case"),
    "case.export": _("Export help cases"),
    "visit.export": _("Export outreach visits"),
}


class OutreachConfig(AppConfig):
    name = "dangjian.outreach"
    label = "outreach"
    verbose_name = _("Outreach visits and help")

    def ready(self):
        from dangjian.core.attachments import register_owner
        from dangjian.core.audit import register_actions

        from .models import Visit

        register_actions(AUDIT_ACTIONS)
        register_owner(Visit)
