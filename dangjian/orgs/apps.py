from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "org.create": _("Create organization"),
    "org.update": _("Edit organization"),
    "org.move": _("Move organization"),
    "org.deactivate": _("Deactivate organization"),
    "org.reactivate": _("Reactivate organization"),
    "org.delete": _("Delete organization"),
    "org.export": _("Export organizations"),
    "person.create": _("Create member record"),
    "person.update": _("Edit member record"),
    "person.duplicate_id": _("Member record refused: ID number already registered"),
    "person.id_probe_throttled": _("ID-number entry paused: too many numbers registered elsewhere"),
    "person.transfer": _("Transfer member"),
    "transfer.issue": _("Send a transfer to another organization"),
    "transfer.accept": _("Accept a transfer"),
    "transfer.return": _("Return a transfer"),
    "transfer.withdraw": _("Withdraw a transfer"),
    "transfer.out": _("Transfer out of the platform"),
    "transfer.letter": _("Print a transfer introduction letter"),
    "person.reveal": _("Reveal ID or phone number"),
    "person.export": _("Export party members"),
    "position.appoint": _("Appoint to a post"),
    "position.end": _("End a post"),
    "demo.load": _("Load demonstration data"),
}


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    label = "orgs"
    verbose_name = _("Organizations and people")

    def ready(self):
        from dangjian.core.audit import register_actions

        register_actions(AUDIT_ACTIONS)
        # The name search's substring index (FTS5 triggers) again after every migrate: a later migration that
        # remakes orgs_person on SQLite drops its triggers (orgs.search.ensure_index).
        from django.db.models.signals import post_migrate

        from .search import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="orgs.search.after_migrate")
