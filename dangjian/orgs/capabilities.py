"""Capabilities of 组织与人员 and the roles that hold them (core.permissions)."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, capability

_STAFF = [Role.ORG_DEPT, Role.TOWNSHIP]

ORG_VIEW = capability("org.view", _("View organizations"), roles=[
    *_STAFF, Role.SECRETARY, Role.LEADER, Role.TRAINER, Role.SYSADMIN])
ORG_EDIT = capability("org.edit", _("Create, edit and move organizations"), roles=_STAFF)
PERSON_VIEW = capability("person.view", _("View member records"), roles=[
    *_STAFF, Role.SECRETARY, Role.LEADER, Role.TRAINER])
PERSON_EDIT = capability("person.edit", _("Edit member records, posts and transfers"), roles=[
    *_STAFF, Role.SECRETARY])
# One ID or phone number in clear, each reveal audited: organization departments only.
PERSON_REVEAL = capability("person.reveal", _("Reveal ID and phone numbers"), roles=[Role.ORG_DEPT])
