"""`python manage.py create_admin`: create one of the installation's first administrators.

The three administrator roles are only ever granted below the granting administrator's own organization, so
the administrators of the top organization are created by the installation itself (``actor=None``). The
password is read from DANGJIAN_ADMIN_PASSWORD or asked for; it must satisfy the password policy and must be
changed at first login. The creation is audited like any other.
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts import services
from dangjian.accounts.roles import Role
from dangjian.orgs.models import Org


class Command(BaseCommand):
    help = "Create a system, security or audit administrator (installation step)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization code")
        parser.add_argument("--role", required=True, choices=[Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", required=True, help="full name")

    def handle(self, *args, org, role, username, name, **options):
        target = Org.objects.filter(code=org).first()
        if target is None:
            raise CommandError(f"No organization with code {org!r}.")
        password = os.environ.get("DANGJIAN_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            user = services.user_create(actor=None, username=username, name=name, org=target, role=role,
                                        password=password)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{field}: {' '.join(msgs)}"
                                         for field, msgs in exc.message_dict.items())) from exc
        self.stdout.write(f"Created {user.username} ({user.get_role_display()}) at {target.name}; "
                          "the password must be changed at first login.")
