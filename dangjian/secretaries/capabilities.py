"""Capabilities of 抓书记 (core.permissions). Who acts on a topic's step is decided from the records (the
committee's current 书记, its 组织部长 or the cadre the secretary named); these capabilities only say which roles
may use the pages and endpoints at all."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import Role, capability

_STAFF = [Role.ORG_DEPT, Role.TOWNSHIP]

SECRETARIES_VIEW = capability("secretaries.view", _("View secretary accountability records"), roles=[
    *_STAFF, Role.SECRETARY, Role.LEADER])
# List and complete a committee's topics, record its sessions, assign contact points, grade reviews.
SECRETARIES_ADMIN = capability("secretaries.admin", _("Administer secretary accountability"), roles=_STAFF)
# Take part in a topic's steps (select, claim, undertake, report) when the records name the user.
TOPIC_ACT = capability("secretaries.topic.act", _("Act on secretary topics"), roles=[
    *_STAFF, Role.SECRETARY, Role.LEADER])
# Undertakings and their reports: a grassroots organization through its secretary or the staff above it.
UNDERTAKING_EDIT = capability("secretaries.undertaking.edit", _("Report on topic undertakings"), roles=[
    *_STAFF, Role.SECRETARY])
# Contact visits: the leader of the point, or whoever edits the visited organization's records.
VISIT_LOG = capability("secretaries.visit.log", _("Log contact-point visits"), roles=[
    *_STAFF, Role.SECRETARY, Role.LEADER])
# A secretary's own report (述职), written by the secretary or recorded by the staff above.
REVIEW_REPORT = capability("secretaries.review.report", _("Write secretary review reports"), roles=[
    *_STAFF, Role.SECRETARY, Role.LEADER])
