"""`python manage.py audit_checkpoint [--output FILE]`: write the audit log's signed head outside the database.

One JSON line {seq, hash, at, signature} (HMAC-SM3 under the audit key), appended to FILE (created readable by
its owner only) or printed (`| logger -t dangjian-audit` sends it to syslog). Run it periodically (a timer, cron:
docs/deployment.md); `audit_verify --checkpoint FILE` then fails when the log no longer holds that head, even if
someone cut the newest entries and the head off together.
"""

import json
import os

from django.core.management.base import BaseCommand

from dangjian.core import audit


class Command(BaseCommand):
    help = "Append the audit log's signed head (seq, hash, time, HMAC-SM3) to a file, or print it."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to append the checkpoint to (default: standard output)")

    def handle(self, *args, **options):
        line = json.dumps(audit.checkpoint(), sort_keys=True)
        path = options.get("output")
        if not path:
            self.stdout.write(line)
            return
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
