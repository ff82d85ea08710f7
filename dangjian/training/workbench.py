"""抓培训 in the workbench: menu entries, the home card (each figure with its list), the trainer's to-dos."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.permissions import SELF_SERVICE
from dangjian.core.workbench import CardData, Figure, card, menu_entry, todos

from . import selectors
from .capabilities import TRAINING_MANAGE, TRAINING_VIEW
from .models import Lesson, TrainingClass

menu_entry("training", gettext_lazy("Training classes"), "training:class_list", "ti-school", capability=SELF_SERVICE,
           order=10)
menu_entry("training", gettext_lazy("Online courses"), "training:course_list", "ti-device-tv",
           capability=SELF_SERVICE, order=20)
menu_entry("training", gettext_lazy("My training record"), "training:mine", "ti-certificate", capability=SELF_SERVICE,
           order=30)
menu_entry("training", gettext_lazy("Training plans"), "training:plan_list", "ti-list-check",
           capability=TRAINING_VIEW, order=40)
menu_entry("training", gettext_lazy("Training bases"), "training:base_list", "ti-building-community",
           capability=TRAINING_VIEW, order=50)
menu_entry("training", gettext_lazy("Training statistics"), "training:statistics", "ti-chart-bar",
           capability=TRAINING_VIEW, order=60)


def training_card(user):
    """This year's person-times, trainees and attendances of the user's subtree; each figure opens the statistics
    (the page whose numbers are the API summary's) or the attendance behind it."""
    org = user.scope_org
    period = selectors.default_period()
    data = selectors.summary(org, period)
    query = f"?org={org.pk}&from={period.start.isoformat()}&to={period.end.isoformat()}"
    return CardData([
        Figure("person_times", _("Person-times this year"), data["person_times"],
               reverse("training:person_times") + query, reverse("training-person-times") + query),
        Figure("attendances", _("Attendances this year"), data["attendances"],
               reverse("training:attendance_list") + query, reverse("attendance-list") + query),
    ])


card("training.summary", gettext_lazy("Training"), training_card, capability=TRAINING_VIEW, icon="ti-school",
     order=60)


def upcoming_lessons(user):
    """Lessons of the classes the user runs in the coming week: show the QR code there."""
    now = timezone.now()
    classes = TrainingClass.objects.editable_by(user).exclude(status=TrainingClass.Status.FINISHED).values("pk")
    lessons = (Lesson.objects.filter(training_class__in=classes, ends_at__gte=now,
                                     starts_at__lte=now + datetime.timedelta(days=7))
               .select_related("training_class").order_by("starts_at")[:10])
    return [{"label": _("Lesson: %(topic)s (%(class)s)") % {"topic": lesson.topic,
                                                          "class": lesson.training_class.title},
             "url": reverse("training:lesson_qr", args=[lesson.pk]), "due": timezone.localdate(lesson.starts_at)}
            for lesson in lessons]


todos(gettext_lazy("Training"), upcoming_lessons, capability=TRAINING_MANAGE)
