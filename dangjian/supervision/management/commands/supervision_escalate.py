"""Escalate overdue supervised tasks (run daily, e.g. from a systemd timer or cron, like jobs_purge)."""

from django.core.management.base import BaseCommand

from dangjian.supervision.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue supervised tasks to the levels above their assignees."

    def handle(self, *args, **options):
        raised = escalate_overdue()
        self.stdout.write(f"{raised} escalation(s) raised.")
