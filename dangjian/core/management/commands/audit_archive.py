"""`python manage.py audit_archive --output FILE [--days N]`: move audit entries older than the retention period
(AUDIT_RETENTION_DAYS, never under 183 days) to a signed archive file, then remove them from the database.

The file is JSON lines (one entry a line) closed by a line with the archived range, the SM3 digest of the entry
lines and an HMAC-SM3 signature under the audit key; the log's signed anchor then names the last archived entry,
so `audit_verify` keeps verifying the remaining log (`audit_verify --archive FILE` also checks the file). Keep
the archive files as long as the law or the organization asks (docs/deployment.md). `--check FILE` only
verifies an archive file.
"""

import datetime
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.models import AuditHead


class Command(BaseCommand):
    help = "Archive audit entries older than the retention period to a signed file, then remove them."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the archive file to create (never overwritten)")
        parser.add_argument("--days", type=int, help="keep this many days (default AUDIT_RETENTION_DAYS)")
        parser.add_argument("--check", metavar="FILE", help="only verify an archive file")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if options.get("check"):
                problem = audit.verify_archive(options["check"])
                if problem is not None:
                    raise CommandError(_("Audit archive broken: %(reason)s.") % {"reason": _(problem)}, returncode=1)
                self.stdout.write(_("Audit archive intact."))
                return
            if not options.get("output"):
                raise CommandError(_("Name the archive file with --output."))
            if os.path.exists(options["output"]):
                raise CommandError(_("The archive file already exists."))
            days = options.get("days") or settings.AUDIT_RETENTION_DAYS
            if days < audit.MIN_RETENTION_DAYS:
                raise CommandError(_("Audit entries must be kept at least %(days)d days.")
                                   % {"days": audit.MIN_RETENTION_DAYS})
            cutoff = timezone.now() - datetime.timedelta(days=days)
            if not AuditHead.objects.filter(id=1).exists():
                count = 0
            else:
                try:
                    count = audit.archive(cutoff=cutoff, path=options["output"])
                except FileExistsError:
                    raise CommandError(_("The archive file already exists.")) from None
                except audit.ArchiveError as exc:
                    raise CommandError(str(exc), returncode=1) from None
            self.stdout.write(_("%(count)d audit entries archived.") % {"count": count})
