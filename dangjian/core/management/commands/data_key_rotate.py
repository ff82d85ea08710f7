"""`python manage.py data_key_rotate [--batch-size N] [--limit N] [--check]`: re-encrypt every protected value
(ID and phone numbers, any EncryptedCharField) with the current data key and recompute its blind index.

Run it after the new key is in place everywhere: DANGJIAN_DATA_KEY = the new key, DANGJIAN_DATA_KEY_VERSION = the
next version, the old key listed in DANGJIAN_DATA_OLD_KEYS as "<old version>:<hex>", every server and worker
restarted (docs/deployment.md). It refuses to start without a retired key, with values under a version no key is
configured for, or when a retired key does not decrypt the values of its version. Safe to interrupt and run again:
it carries on with the rows still under an old key. `--check` only counts the values per key version and exits 1
while any is not under the current key (before removing a retired key from the configuration).
"""

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import CharField
from django.db.models.functions import Left
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.core import crypto, data_key_rotation


class Command(BaseCommand):
    help = "Re-encrypt every protected value with the current data key and recompute the blind indexes."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction (default 1000)")
        parser.add_argument("--limit", type=int, help="stop after this many rows (run again to continue)")
        parser.add_argument("--check", action="store_true",
                            help="only count the values per key version; exit 1 while any is not on the current key")

    def handle(self, *args, batch_size, limit, check, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if batch_size < 1 or (limit is not None and limit < 1):
                raise CommandError(_("--batch-size and --limit must be at least 1."))
            counts = data_key_rotation.version_counts()
            current = crypto.prefix(crypto.current_version()).rstrip(":")
            stale = self._report(counts, current)
            if check:
                if stale:
                    raise CommandError(_("%(count)d values are not under the current data key (%(version)s).")
                                       % {"count": stale, "version": current}, returncode=1)
                self.stdout.write(_("Every value is under the current data key (%(version)s).") % {"version": current})
                return
            self._refuse_unless_ready(counts)
            if not stale:
                self.stdout.write(_("Nothing to do: every value is under the current data key (%(version)s).")
                                  % {"version": current})
            run = data_key_rotation.rotate(batch_size=batch_size, limit=limit, progress=self._progress)
            self.stdout.write(_("%(total)d rows re-encrypted with data key %(version)s; %(remaining)d rows left "
                                "under older keys.")
                              % {"total": run.total, "version": current, "remaining": run.remaining})

    def _report(self, counts, current):
        """Print the values per column and key version; return how many are not under the current key."""
        stale = 0
        for (model, name), versions in counts.items():
            shown = ", ".join(f"{version}: {n}" for version, n in versions.items()) or "-"
            self.stdout.write(f"{model}.{name}: {shown}")
            stale += sum(n for version, n in versions.items() if version != current)
        return stale

    def _refuse_unless_ready(self, counts):
        ring = crypto.key_ring()
        if len(ring) == 1:
            raise CommandError(_(
                "No retired data key is configured, so there is no new key to rotate to: set the new key as "
                "DANGJIAN_DATA_KEY with the next DANGJIAN_DATA_KEY_VERSION, list the old one in "
                "DANGJIAN_DATA_OLD_KEYS as <version>:<key>, restart every server, then run this command."))
        labels = {crypto.prefix(version).rstrip(":"): version for version in ring}
        for (model_label, name), versions in counts.items():
            for label in versions:
                if label not in labels:
                    raise CommandError(_("%(field)s holds values under data key %(version)s, which is not configured: "
                                         "list it in DANGJIAN_DATA_OLD_KEYS.")
                                       % {"field": f"{model_label}.{name}", "version": label})
                self._refuse_wrong_key(model_label, name, label)

    def _refuse_wrong_key(self, model_label, name, label):
        """Decrypt one value of this version: a wrong key for a version would fail every row of it."""
        from django.apps import apps

        model = apps.get_model(model_label)
        head = label + ":"
        sample = (model._base_manager.alias(_head=Left(name, len(head), output_field=CharField()))
                  .filter(_head=head).values_list(name, flat=True))
        try:
            sample.first()
        except InvalidTag:
            raise CommandError(_("The key configured for data key %(version)s does not decrypt the values stored "
                                 "under it (%(field)s): check DANGJIAN_DATA_OLD_KEYS.")
                               % {"version": label, "field": f"{model_label}.{name}"}) from None

    def _progress(self, model, done, batch, last_pk):
        self.stdout.write(_("%(model)s: %(done)d rows re-encrypted (up to id %(pk)s)")
                          % {"model": model, "done": done, "pk": last_pk})
