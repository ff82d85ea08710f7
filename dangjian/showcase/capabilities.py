"""Capabilities of 抓示范 (demonstration sites, meetings, model posts, 五好 campaigns) and who holds them."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, capability

_STAFF = [Role.ORG_DEPT, Role.TOWNSHIP]
_READERS = [*_STAFF, Role.SECRETARY, Role.LEADER]

SHOWCASE_VIEW = capability("showcase.view", _("View demonstration sites, meetings, model posts and honours"),
                           roles=_READERS)
# Designating and revoking a site is the organization departments' and township committees' work.
SITE_MANAGE = capability("showcase.site.manage", _("Designate and revoke demonstration sites"), roles=_STAFF)
MEETING_EDIT = capability("showcase.meeting.edit", _("Record on-site meetings and tours"),
                          roles=[*_STAFF, Role.SECRETARY])
# The branch (its secretary) recommends a member's application; the level above approves and publishes.
POST_RECOMMEND = capability("showcase.post.recommend", _("Recommend model-post applications"),
                            roles=[*_STAFF, Role.SECRETARY])
POST_APPROVE = capability("showcase.post.approve", _("Approve and publish model posts"), roles=_STAFF)
HONOR_MANAGE = capability("showcase.honor.manage", _("Run 五好 campaigns: review, name, revoke"), roles=_STAFF)
NOMINATE = capability("showcase.honor.nominate", _("Nominate for a 五好 campaign"), roles=[*_STAFF, Role.SECRETARY])
