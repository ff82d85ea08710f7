from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "training.base.create": _("Create training base"),
    "training.base.update": _("Edit training base"),
    "training.class.create": _("Create training class"),
    "training.class.update": _("Edit training class"),
    "training.class.open": _("Open a training class for enrolment"),
    "training.class.finish": _("Finish a training class"),
    "training.lesson.create": _("Add a lesson"),
    "training.enroll": _("Enrol trainees"),
    "training.enroll.refused": _("Enrolment refused"),
    "training.roster": _("Import a training roster"),
    "training.drop": _("Drop a trainee"),
    "training.checkin": _("Check in to a lesson"),
    "training.checkin.manual": _("Check a trainee in by hand"),
    "training.certificate": _("Print a training certificate"),
    "training.plan.create": _("Create training plan"),
    "training.course.create": _("Create online course"),
    "training.course.progress": _("Record online course progress"),
    "training.export": _("Export training records"),
}


class TrainingConfig(AppConfig):
    name = "dangjian.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self):
        from dangjian.core.attachments import register_owner
        from dangjian.core.audit import register_actions

        from .models import Course

        register_actions(AUDIT_ACTIONS)
        register_owner(Course)
