"""Capabilities of 星级管理 (core.permissions): who defines schemes, who acts at each step of the assessment."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.permissions import WORKING_ROLES, Role, capability

# Every working role reads the ratings of its subtree (a member: their own organization's, during the notice).
STARS_VIEW = capability("stars.view", _("View star ratings"), roles=WORKING_ROLES)
SCHEME_EDIT = capability("stars.scheme.edit", _("Define assessment schemes"), roles=[Role.ORG_DEPT])
ASSESS_SELF = capability("stars.assessment.self", _("Self-assess one's organization"), roles=[Role.SECRETARY])
ASSESS_REVIEW = capability("stars.assessment.review", _("Review assessments"),
                           roles=[Role.TOWNSHIP, Role.ORG_DEPT])
ASSESS_APPROVE = capability("stars.assessment.approve", _("Approve, publicize and award star ratings"),
                            roles=[Role.ORG_DEPT])
# Evidence attachments on an assessment: the organization itself and the reviewers above it.
ASSESS_EVIDENCE = capability("stars.assessment.evidence", _("Attach evidence to assessments"),
                             roles=[Role.SECRETARY, Role.TOWNSHIP, Role.ORG_DEPT])
SCORE_EVENT_RECORD = capability("stars.event.record", _("Record score events"),
                                roles=[Role.TOWNSHIP, Role.ORG_DEPT])
OBJECTION_LODGE = capability("stars.objection.lodge", _("Lodge objections during a public notice"),
                             roles=WORKING_ROLES)
# The home card's figures: the working staff, not members (their home page shows links only).
STARS_FIGURES = capability("stars.figures", _("See star-rating figures on the home page"),
                           roles=[Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY, Role.LEADER])
