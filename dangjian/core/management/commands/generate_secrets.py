"""`manage.py generate_secrets --output FILE`: fresh production secrets in an env-style file readable only by its
owner (mode 0600), which the settings read when DANGJIAN_SECRETS_FILE names it (docs/deployment.md)."""

import os
import secrets
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def fresh_secrets():
    """Django's signing key (67 URL-safe characters: no quote, `$` or `#` to trip an env file), the personal data
    key and the audit log's key (32 bytes in hex each)."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DANGJIAN_DATA_KEY": secrets.token_hex(32),
        "DANGJIAN_AUDIT_KEY": secrets.token_hex(32),
    }


class Command(BaseCommand):
    help = "Write fresh production secrets (secret key, data key, audit key) to an env-style file of mode 0600."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the file to write (refused if it exists)")
        parser.add_argument("--force", action="store_true",
                            help="replace an existing file (a new data key makes encrypted data unreadable)")

    def handle(self, *args, output, force, **options):
        path = Path(output)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            raise CommandError(f"{path} exists: keep it (its data key decrypts the database) or pass --force") from None
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None
        os.fchmod(fd, 0o600)  # also when --force replaces a file that had wider permissions
        lines = ["# Production secrets of the party-building platform (manage.py generate_secrets).",
                 "# Keep this file outside the database and its backups; losing DANGJIAN_DATA_KEY loses every",
                 "# encrypted ID and phone number. Point DANGJIAN_SECRETS_FILE at it.",
                 *(f"{name}={value}" for name, value in fresh_secrets().items())]
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        self.stdout.write(f"Secrets written to {path} (mode 0600).")
