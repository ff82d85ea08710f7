"""Writes of 星级管理: schemes and indicators (draft → published, frozen; new versions; copies to another year).

Every service checks scope and role, validates, writes and records its audit entry in one transaction, and raises
core.exceptions (NotInScope, PermissionDenied, ValidationError with a Chinese message). The assessment workflow is
in workflow.py, the computing of points in scoring.py.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core import metrics as core_metrics
from dangjian.core.exceptions import PermissionDenied, ValidationError
from dangjian.core.scoping import require
from dangjian.orgs.models import Level, Org

from . import rules
from .capabilities import SCHEME_EDIT
from .models import Assessment, AssessmentItem, Indicator, Scheme, ScoreEvent

SCHEME_FIELDS = ("name", "levels", "sectors", "thresholds", "max_promotion", "notice_days", "targets")
INDICATOR_FIELDS = ("category", "name", "max_points", "guidance", "method", "metric", "table", "veto", "order")


def owns(actor, scheme):
    return actor.has_capability(SCHEME_EDIT) and actor.org_id == scheme.org_id


def require_scheme_owner(actor, scheme):
    """The scheme is visible (else NotInScope) and the actor may write it: the organization department of the
    organization that owns it (the prefecture reads a county's scheme, it does not change it)."""
    require(Scheme.objects.visible_to(actor), scheme)
    if not owns(actor, scheme):
        raise PermissionDenied(_("Only the organization department that owns the scheme may change it."))


def _require_draft(scheme):
    if not scheme.is_draft:
        raise ValidationError(_("A published scheme is frozen: make a new version to change it."))


def _clean_scheme(org, data):
    levels = data.get("levels") or []
    if not isinstance(levels, list) or not levels:
        raise ValidationError({"levels": _("Choose the levels of the organizations assessed.")})
    if any(level not in Level.values or level <= org.level for level in levels):
        raise ValidationError({"levels": _("The levels assessed must be below the scheme's organization.")})
    data["levels"] = sorted(set(levels))
    sectors = data.get("sectors") or []
    if not isinstance(sectors, list) or any(s not in Org.Sector.values for s in sectors):
        raise ValidationError({"sectors": _("Unknown sector.")})
    data["sectors"] = sorted(set(sectors))
    try:
        data["thresholds"] = rules.as_json_thresholds(rules.clean_thresholds(data.get("thresholds")))
    except ValidationError as error:
        raise ValidationError({"thresholds": error.messages}) from None
    promotion = data.get("max_promotion")
    if promotion is not None and (isinstance(promotion, bool) or not isinstance(promotion, int)
                                  or not 0 <= promotion <= rules.MAX_STARS):
        raise ValidationError({"max_promotion": _("Stars up per year must be a whole number from 0 to 5, or "
                                                  "empty for no limit.")})
    try:
        data["notice_days"] = rules.clean_notice_days(data.get("notice_days"))
    except ValidationError as error:
        raise ValidationError({"notice_days": error.messages}) from None
    try:
        data["targets"] = rules.clean_targets(data.get("targets") or [])
    except ValidationError as error:
        raise ValidationError({"targets": error.messages}) from None
    return data


@transaction.atomic
def scheme_create(*, actor, org, year, name, levels, sectors=(), thresholds=None, max_promotion=1,
                  notice_days=rules.MIN_NOTICE_DAYS, targets=None):
    """A draft scheme of `org` (a county or the prefecture inside the actor's subtree) for `year`."""
    require(Org.objects.visible_to(actor), org)
    if not actor.has_capability(SCHEME_EDIT) or actor.org_id != org.pk:
        raise PermissionDenied(_("Only an organization department defines schemes, for its own organization."))
    if org.level not in (Level.PREFECTURE, Level.COUNTY):
        raise ValidationError({"org": _("Schemes are defined by a county or the prefecture.")})
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 1900 and 2100.")})
    if Scheme.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": _("This organization already has a scheme for %(year)s: make a new version "
                                         "of it instead.") % {"year": year}})
    data = _clean_scheme(org, {
        "name": name, "levels": list(levels), "sectors": list(sectors),
        "thresholds": rules.BADONG_THRESHOLDS if thresholds is None else thresholds,
        "max_promotion": max_promotion, "notice_days": notice_days,
        "targets": rules.badong_targets(year) if targets is None else targets})
    scheme = Scheme(org=org, year=year, **data)
    scheme.full_clean()
    scheme.save()
    audit.record("stars.scheme.create", actor=actor, obj=scheme, after=audit.snapshot(scheme))
    return scheme


@transaction.atomic
def scheme_update(*, actor, scheme, **changes):
    require_scheme_owner(actor, scheme)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    _require_draft(scheme)
    unknown = set(changes) - set(SCHEME_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(scheme)
    data = _clean_scheme(scheme.org, {**{f: getattr(scheme, f) for f in SCHEME_FIELDS}, **changes})
    for field, value in data.items():
        setattr(scheme, field, value)
    scheme.full_clean()
    scheme.save()
    audit.record("stars.scheme.update", actor=actor, obj=scheme, before=before, after=audit.snapshot(scheme))
    return scheme


def _clean_indicator(scheme, data):
    if not (data.get("category") or "").strip() or not (data.get("name") or "").strip():
        raise ValidationError(_("An indicator needs a category and a name."))
    data["category"], data["name"] = data["category"].strip(), data["name"].strip()
    if data.get("veto"):
        data["max_points"] = 1  # a veto item applies (1) or not (0); it carries no points
    max_points = rules.dec(data.get("max_points"))
    if not rules.dec(0) < max_points <= rules.dec(1000):
        raise ValidationError({"max_points": _("The maximum points must be above 0 and at most 1000.")})
    data["max_points"] = max_points
    if data.get("method") not in Indicator.Method.values:
        raise ValidationError({"method": _("Choose how the indicator is scored.")})
    if data["method"] == Indicator.Method.METRIC:
        try:
            core_metrics.get(data.get("metric") or "")
        except ImproperlyConfigured:
            raise ValidationError({"metric": _("Unknown metric: choose one of the registry.")}) from None
        try:
            data["table"] = rules.as_json_table(rules.clean_table(data.get("table"), max_points))
        except ValidationError as error:
            raise ValidationError({"table": error.messages}) from None
    else:
        data["metric"], data["table"] = "", []
    return data


@transaction.atomic
def indicator_create(*, actor, scheme, category, name, max_points, method=Indicator.Method.MANUAL, metric="",
                     table=(), veto=False, guidance="", order=0):
    require_scheme_owner(actor, scheme)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    _require_draft(scheme)
    data = _clean_indicator(scheme, {"category": category, "name": name, "max_points": max_points,
                                     "method": method, "metric": metric, "table": list(table), "veto": veto,
                                     "guidance": guidance, "order": order})
    indicator = Indicator(scheme=scheme, **data)
    indicator.full_clean()
    indicator.save()
    audit.record("stars.indicator.create", actor=actor, obj=indicator, org=scheme.org_id,
                 after=audit.snapshot(indicator))
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator, **changes):
    require_scheme_owner(actor, indicator.scheme)
    _require_draft(Scheme.objects.select_for_update().get(pk=indicator.scheme_id))
    unknown = set(changes) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(indicator)
    data = _clean_indicator(indicator.scheme, {**{f: getattr(indicator, f) for f in INDICATOR_FIELDS}, **changes})
    for field, value in data.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    indicator.save()
    audit.record("stars.indicator.update", actor=actor, obj=indicator, org=indicator.scheme.org_id, before=before,
                 after=audit.snapshot(indicator))
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator):
    require_scheme_owner(actor, indicator.scheme)
    _require_draft(Scheme.objects.select_for_update().get(pk=indicator.scheme_id))
    audit.record("stars.indicator.delete", actor=actor, obj=indicator, org=indicator.scheme.org_id,
                 before=audit.snapshot(indicator))
    indicator.delete()


def covered_orgs(scheme):
    """The active organizations a scheme assesses: its levels (and sectors) inside its organization's subtree."""
    orgs = Org.objects.filter(scheme.org.subtree_q(), level__in=scheme.levels, is_active=True)
    if scheme.sectors:
        orgs = orgs.filter(sector__in=scheme.sectors)
    return orgs


def _copy_indicators(source, target):
    Indicator.objects.bulk_create([
        Indicator(scheme=target, **{f: getattr(i, f) for f in INDICATOR_FIELDS}) for i in source.indicators.all()])


@transaction.atomic
def scheme_publish(*, actor, scheme):
    """Publish (and so freeze) a draft: its assessments are created for the organizations it covers that have none
    this year; a new version takes over the open assessments of the version it replaces. Returns the scheme with
    `created` (new assessments) and `skipped` (organizations assessed this year by another scheme)."""
    require_scheme_owner(actor, scheme)
    scheme = Scheme.objects.select_for_update().select_related("org").get(pk=scheme.pk)
    _require_draft(scheme)
    if not scheme.indicators.filter(veto=False).exists():
        raise ValidationError(_("A scheme needs at least one scored indicator before it is published."))
    now = timezone.now()
    if scheme.previous_id:
        _take_over(scheme.previous, scheme)
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.PUBLISHED, is_current=True, published_at=now)
    scheme.status, scheme.is_current, scheme.published_at = Scheme.Status.PUBLISHED, True, now
    org_ids = list(covered_orgs(scheme).values_list("pk", flat=True))
    taken = dict(Assessment.objects.filter(year=scheme.year, org_id__in=org_ids).values_list("org_id", "scheme_id"))
    previous = dict(Assessment.objects.filter(year=scheme.year - 1, org_id__in=org_ids,
                                              status=Assessment.Status.AWARDED).values_list("org_id", "stars"))
    new = [oid for oid in org_ids if oid not in taken]
    rows = []
    for org in Org.objects.filter(pk__in=new).only("pk", *[f"{c}_id" for c in
                                                          ("province", "prefecture", "county", "township",
                                                           "village")]):
        assessment = Assessment(scheme=scheme, year=scheme.year, previous_stars=previous.get(org.pk))
        assessment.set_org(org)
        rows.append(assessment)
    Assessment.objects.bulk_create(rows, batch_size=2000)
    scheme.created = len(rows)
    scheme.skipped = sum(1 for scheme_id in taken.values() if scheme_id != scheme.pk)
    audit.record("stars.scheme.publish", actor=actor, obj=scheme, org=scheme.org_id,
                 after={"version": scheme.version, "assessments": len(rows)})
    return scheme


def _take_over(old, new):
    """Open assessments of `old` follow `new`: items and score events move to the indicator of the same category
    and name (the others' items go; their events stay on the old indicator, outside the score)."""
    Scheme.objects.filter(pk=old.pk).update(is_current=False)
    mapping = {}
    new_by_key = {(i.category, i.name): i.pk for i in new.indicators.all()}
    for indicator in old.indicators.all():
        if (indicator.category, indicator.name) in new_by_key:
            mapping[indicator.pk] = new_by_key[(indicator.category, indicator.name)]
    open_ids = list(old.assessments.filter(approved_at__isnull=True).values_list("pk", flat=True))
    AssessmentItem.objects.filter(assessment_id__in=open_ids).exclude(indicator_id__in=mapping).delete()
    for old_id, new_id in mapping.items():
        AssessmentItem.objects.filter(assessment_id__in=open_ids, indicator_id=old_id).update(indicator_id=new_id)
        ScoreEvent.objects.filter(assessment_id__in=open_ids, indicator_id=old_id).update(indicator_id=new_id)
    Assessment.objects.filter(pk__in=open_ids).update(scheme=new)


@transaction.atomic
def scheme_new_version(*, actor, scheme):
    """A draft copy of a published scheme, numbered one up, to be changed and published in its place."""
    require_scheme_owner(actor, scheme)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.is_draft:
        raise ValidationError(_("This scheme is still a draft: change it directly."))
    if not scheme.is_current:
        raise ValidationError(_("A newer version of this scheme exists."))
    if Scheme.objects.filter(previous=scheme).exists():
        raise ValidationError(_("A draft of the next version already exists."))
    version = Scheme.objects.filter(org=scheme.org, year=scheme.year).aggregate(v=Max("version"))["v"] + 1
    copy = Scheme(org=scheme.org, year=scheme.year, version=version, previous=scheme,
                  **{f: getattr(scheme, f) for f in SCHEME_FIELDS})
    copy.full_clean()
    copy.save()
    _copy_indicators(scheme, copy)
    audit.record("stars.scheme.version", actor=actor, obj=copy, after={"previous": scheme.pk, "version": version})
    return copy


@transaction.atomic
def scheme_copy(*, actor, scheme, year):
    """A draft scheme for another year with the same indicators, thresholds, rules and targets."""
    require_scheme_owner(actor, scheme)
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 1900 and 2100.")})
    if Scheme.objects.filter(org=scheme.org, year=year).exists():
        raise ValidationError({"year": _("This organization already has a scheme for %(year)s: make a new version "
                                         "of it instead.") % {"year": year}})
    name = scheme.name.replace(str(scheme.year), str(year)) if str(scheme.year) in scheme.name else scheme.name
    copy = Scheme(org=scheme.org, year=year, **{**{f: getattr(scheme, f) for f in SCHEME_FIELDS}, "name": name})
    copy.full_clean()
    copy.save()
    _copy_indicators(scheme, copy)
    audit.record("stars.scheme.copy", actor=actor, obj=copy, after={"from": scheme.pk, "year": year})
    return copy
