from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "topic.propose": _("List a secretary topic"),
    "topic.select": _("Select a secretary topic"),
    "topic.claim": _("Claim a secretary topic"),
    "topic.undertake": _("Take up a secretary topic"),
    "topic.undertaken": _("Secretary topic taken up"),
    "topic.complete": _("Complete a secretary topic"),
    "topic.return": _("Return a secretary topic"),
    "undertaking.report": _("Report on a topic undertaking"),
    "session.record": _("Record a committee session"),
    "point.assign": _("Assign a contact point"),
    "visit.log": _("Log a contact visit"),
    "visit.pass_on": _("Pass a visit's problem on as a supervised task"),
    "review.create": _("Write a secretary review report"),
    "review.submit": _("Submit a secretary review report"),
    "review.grade": _("Grade a secretary review"),
    "review.publish": _("Publish a secretary review"),
    "secretaries.export": _("Export secretary accountability"),
}


class SecretariesConfig(AppConfig):
    name = "dangjian.secretaries"
    label = "secretaries"
    verbose_name = _("Secretary accountability")

    def ready(self):
        from dangjian.core.attachments import register_owner
        from dangjian.core.audit import register_actions

        from .models import CommitteeSession, SecretaryReview, Undertaking

        register_actions(AUDIT_ACTIONS)
        register_owner(CommitteeSession)  # minutes
        register_owner(Undertaking)  # progress reports' files
        register_owner(SecretaryReview)  # the report as a document
