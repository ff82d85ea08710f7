"""Metrics of 跟踪督办 (core.metrics). A task assigned to three organizations counts three times: each
organization's figure is its own part of the work, so the figures add up the tree.

- `supervision.tasks.issued`: assignments issued within the period (flow by `issued_on`), kept;
- `supervision.tasks.closed_on_time`: assignments closed (销号) on or before their deadline, by `closed_on`, kept;
- `supervision.tasks.overdue`: open assignments past their deadline now (a stock that changes with the calendar:
  never kept, counted on the ancestry index).
"""

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.metrics import Metric, register

from .models import Light, TaskAssignment, light_q

ISSUED = "supervision.tasks.issued"
CLOSED_ON_TIME = "supervision.tasks.closed_on_time"
OVERDUE = "supervision.tasks.overdue"
TASKS = _("tasks")

register(Metric(ISSUED, _("Supervised tasks issued"), TASKS, model=TaskAssignment, date_field="issued_on",
                where=Q(issued_on__isnull=False), kept=True))  # core's tracker needs a non-empty condition
register(Metric(CLOSED_ON_TIME, _("Supervised tasks closed on time"), TASKS, model=TaskAssignment,
                where=Q(status=TaskAssignment.Status.CLOSED, closed_on__lte=F("deadline")), date_field="closed_on",
                kept=True))
register(Metric(OVERDUE, _("Supervised tasks overdue"), TASKS, model=TaskAssignment,
                where=lambda: light_q(Light.RED)))
