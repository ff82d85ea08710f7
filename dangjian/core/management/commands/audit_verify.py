"""`python manage.py audit_verify`: walk the SM3 hash chain of the audit log.

Exit status 0 and the number of entries checked when the log is intact; exit status 1, with the first bad
entry's sequence number and the reason on stderr, when any entry was edited or deleted (in the middle or at
the end of the log, which the one-row AuditHead reveals).
"""

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
)


class Command(BaseCommand):
    help = "Verify the SM3 hash chain of the audit log; exit status 1 names the first bad entry."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            problem = audit.verify()
            head = AuditHead.objects.filter(id=1).first()
            last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
            if problem is None and head is None and last_seq is not None:
                problem = (last_seq, REASONS[4])
            if problem is not None:
                seq, reason = problem
                raise CommandError(
                    _("Audit log broken at entry #%(seq)d: %(reason)s.") % {"seq": seq, "reason": _(reason)},
                    returncode=1,
                )
            count = head.seq if head is not None else 0
            self.stdout.write(_("Audit log intact: %(count)d entries checked.") % {"count": count})
