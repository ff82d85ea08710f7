"""Who may do what in 抓培训 (core.permissions). Members reach their own enrolments, attendance and course progress
through self-service (core.permissions.SELF_SERVICE) and the class rules in models.py."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, capability

TRAINING_VIEW = capability("training.view", _("View training classes, attendance and statistics"),
                           roles=[Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY, Role.LEADER, Role.TRAINER])
TRAINING_MANAGE = capability("training.manage", _("Run training: classes, enrolment, check-in, plans, courses"),
                             roles=[Role.ORG_DEPT, Role.TOWNSHIP, Role.TRAINER])
