"""`python manage.py audit_verify [--checkpoint FILE]`: walk the keyed (HMAC-SM3) chain of the audit log.

Exit status 0 and the number of entries checked when the log is intact; exit status 1, with the first bad
entry's sequence number and the reason on stderr, when any entry was edited or deleted (in the middle or at
the end of the log, which the one-row AuditHead reveals), or the chain was recomputed without the audit key.
With --checkpoint, the log must also still hold the head recorded in that file (`audit_checkpoint`), which
catches entries cut off the end together with the head.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.core import audit
from dangjian.core.models import AuditEntry, AuditHead

# The reasons core.audit.verify() gives, marked so the catalogue translates them.
REASONS = (
    gettext_noop("missing entry (deleted)"),
    gettext_noop("predecessor hash does not match (previous entry edited or deleted)"),
    gettext_noop("content does not match its hash (edited)"),
    gettext_noop("entries missing at the end of the log (deleted)"),
    gettext_noop("the chain head is missing (deleted)"),
    gettext_noop("the chain's anchor does not match its signature (altered, or unknown key)"),
    gettext_noop("unkeyed entry after the chain was keyed (recomputed without the key)"),
    gettext_noop("signed with an unknown audit key"),
    gettext_noop("the checkpoint is not a checkpoint file"),
    gettext_noop("the checkpoint's signature does not match (altered, or unknown key)"),
    gettext_noop("the log no longer holds the checkpoint's entry (deleted or rewritten)"),
    gettext_noop("not an audit archive"),
    gettext_noop("the archive's signature does not match (altered, or unknown key)"),
    gettext_noop("the archive's entries do not match its digest (edited)"),
    gettext_noop("the archive's chain is broken (edited)"),
    gettext_noop("the log does not start where the archive ends"),
)


class Command(BaseCommand):
    help = "Verify the keyed hash chain of the audit log; exit status 1 names the first bad entry."

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", help="a file written by audit_checkpoint: the log must still hold it")
        parser.add_argument("--archive", help="the newest file written by audit_archive: the log must start there")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            problem = audit.verify()
            if problem is None and options.get("checkpoint"):
                problem = audit.verify_checkpoint(_read_checkpoint(options["checkpoint"]))
            if problem is None and options.get("archive"):
                reason = audit.verify_archive(options["archive"], head=AuditHead.objects.filter(id=1).first())
                if reason is not None:
                    problem = (AuditHead.objects.get(id=1).base_seq if AuditHead.objects.exists() else 0, reason)
            if problem is not None:
                seq, reason = problem
                raise CommandError(
                    _("Audit log broken at entry #%(seq)d: %(reason)s.") % {"seq": seq, "reason": _(reason)},
                    returncode=1,
                )
            head = AuditHead.objects.filter(id=1).first()
            count = AuditEntry.objects.count() if head is not None else 0
            self.stdout.write(_("Audit log intact: %(count)d entries checked.") % {"count": count})


def _read_checkpoint(path):
    """The last checkpoint of the file (one JSON object a line: a job appends one per run)."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line for line in handle if line.strip()]
        return json.loads(lines[-1])
    except (OSError, ValueError, IndexError):
        return None
