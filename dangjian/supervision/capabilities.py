"""跟踪督办: who may see, issue and verify, and report on supervised tasks."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, capability

TASK_VIEW = capability("supervision.task.view", _("View supervised tasks"),
                       roles=[Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY, Role.LEADER])
# The issuing side: issue a task, verify a report and close it (销号) or return it.
TASK_MANAGE = capability("supervision.task.manage", _("Issue, close and return supervised tasks"),
                         roles=[Role.ORG_DEPT, Role.TOWNSHIP])
# The assignee side: report progress with attachments. A county or a township is itself the assignee of the
# level above, so all three working levels report.
TASK_REPORT = capability("supervision.task.report", _("Report progress on supervised tasks"),
                         roles=[Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY])
