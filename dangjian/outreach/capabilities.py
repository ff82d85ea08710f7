"""Capabilities of 三进三帮 (visits, beneficiaries, help cases) and the roles that hold them (core.permissions).

- Reading the records and figures: the organization departments, township staff, grassroots secretaries and
  leading cadres (who go on visits with their contact points).
- Recording a visit: the same roles and members (a member records their own visits: self-service).
- Beneficiaries and help cases: the staff and secretaries who do the helping.
- Sensitive details of a beneficiary (health, finances): the same roles that handle the cases — never leading
  cadres, trainers or members, who see only that something is recorded.
- A beneficiary's ID or phone number in clear: orgs' person.reveal (organization departments), audited the same.
"""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, capability

_HELPERS = [Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY]

OUTREACH_VIEW = capability("outreach.view", _("View visits, beneficiaries and help cases"),
                           roles=[*_HELPERS, Role.LEADER])
VISIT_RECORD = capability("outreach.visit.record", _("Record outreach visits"),
                          roles=[*_HELPERS, Role.LEADER, Role.MEMBER])
CASE_EDIT = capability("outreach.case.edit", _("Register beneficiaries and handle help cases"), roles=_HELPERS)
SENSITIVE_VIEW = capability("outreach.sensitive.view", _("Read beneficiaries' sensitive details"),
                            roles=_HELPERS)
