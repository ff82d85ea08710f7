from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "stars.scheme.create": _("Create assessment scheme"),
    "stars.scheme.update": _("Edit assessment scheme"),
    "stars.scheme.publish": _("Publish assessment scheme"),
    "stars.scheme.version": _("New version of an assessment scheme"),
    "stars.scheme.copy": _("Copy assessment scheme to another year"),
    "stars.scheme.score": _("Score every assessment of a scheme"),
    "stars.indicator.create": _("Add indicator"),
    "stars.indicator.update": _("Edit indicator"),
    "stars.indicator.delete": _("Delete indicator"),
    "stars.assessment.self": _("Self-assessment"),
    "stars.assessment.review": _("Review assessment"),
    "stars.assessment.approve": _("Approve assessment"),
    "stars.assessment.publicize": _("Start public notice"),
    "stars.assessment.object": _("Lodge objection"),
    "stars.assessment.answer": _("Answer objection"),
    "stars.assessment.award": _("Award stars"),
    "stars.certificate.print": _("Print star certificate"),
    "stars.event.record": _("Record score event"),
}


class StarsConfig(AppConfig):
    name = "dangjian.stars"
    label = "stars"
    verbose_name = _("Star rating")

    def ready(self):
        from dangjian.core.attachments import register_owner
        from dangjian.core.audit import register_actions

        from .models import Assessment, ScoreEvent

        register_actions(AUDIT_ACTIONS)
        register_owner(Assessment, ScoreEvent)
