"""Schemes: draft → published (frozen) → new version; copies to another year; the rules of their settings."""

import pytest

from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.stars import scoring, services
from dangjian.stars.models import Assessment, Indicator, Scheme
from dangjian.stars.selectors import automatic_share
from dangjian.stars.tests.conftest import YEAR, build_scheme, ind
from dangjian.stars.tests.test_workflow import refused, self_assess


def test_defaults_are_badongs(stars):
    scheme = stars["scheme"]
    assert [(t["stars"], t["min_score"]) for t in scheme.thresholds] == [(5, 95), (4, 90), (3, 85), (2, 80)]
    assert scheme.max_promotion == 1 and scheme.notice_days == 5
    assert [t["share"] for t in scheme.targets] == [30, 60, 100]
    assert automatic_share(list(scheme.indicators.all())) == 20.0  # 20 of 100 points computed


@pytest.mark.parametrize(("field", "value", "message"), [
    ("thresholds", [{"stars": 5, "min_score": 80}, {"stars": 4, "min_score": 90}], "递减"),
    ("notice_days", 4, "不少于"),
    ("levels", [3], "低于"),
    ("max_promotion", 6, "0 至 5"),
])
def test_bad_settings_are_refused(stars, field, value, message):
    before = Scheme.objects.count()
    kwargs = {"levels": [5], field: value}
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        services.scheme_create(actor=stars["county"], org=stars["badong"], year=2014, name="错误方案", **kwargs)
    assert message in " ".join(info.value.messages)
    assert Scheme.objects.count() == before


def test_who_may_define_a_scheme(stars):
    refused(PermissionDenied, lambda: services.scheme_create(actor=stars["township"], org=stars["xinling"], year=2014,
                                                             name="乡镇不能定方案", levels=[5]))
    refused(NotInScope, lambda: services.scheme_create(actor=stars["users"]["xuanen_admin"], org=stars["badong"],
                                                       year=2014, name="越权", levels=[5]))
    refused(PermissionDenied, lambda: services.scheme_create(actor=stars["county"], org=stars["xinling"], year=2014,
                                                             name="乡镇级", levels=[5]))
    zhou = stars["users"]["zhou_admin"]
    refused(ValidationError, lambda: services.scheme_create(actor=zhou, org=zhou.org, year=2014, name="州级",
                                                            levels=[2]))
    # The prefecture reads the county's scheme but may not change it, the other county does not see it.
    refused(PermissionDenied, lambda: services.scheme_update(actor=stars["users"]["zhou_admin"],
                                                             scheme=stars["scheme"], name="改"))


def test_a_published_scheme_is_frozen(stars):
    scheme = stars["scheme"]
    refused(ValidationError, lambda: services.scheme_update(actor=stars["county"], scheme=scheme, name="改名"),
            "新版本")
    refused(ValidationError, lambda: services.indicator_create(actor=stars["county"], scheme=scheme, category="x",
                                                               name="新指标", max_points=5), "新版本")
    refused(ValidationError, lambda: services.indicator_delete(actor=stars["county"],
                                                               indicator=ind(scheme, "班子建设")), "新版本")


def test_indicator_rules(stars):
    draft = build_scheme(stars["county"], stars["badong"], year=2015, publish=False)
    refused(ValidationError, lambda: services.indicator_create(
        actor=stars["county"], scheme=draft, category="x", name="y", max_points=5, method="metric",
        metric="no.such.metric", table=[{"at_least": 1, "points": 5}]), "未知")
    refused(ValidationError, lambda: services.indicator_create(
        actor=stars["county"], scheme=draft, category="x", name="y", max_points=5, method="metric",
        metric="orgs.members", table=[{"at_least": 1, "points": 6}]), "不能超过")
    refused(ValidationError, lambda: services.indicator_create(actor=stars["county"], scheme=draft, category="x",
                                                               name="y", max_points=0))


def test_publish_creates_the_assessments_once(stars):
    scheme = stars["scheme"]
    assert set(scheme.assessments.values_list("org_id", flat=True)) == {stars["yunlong"].pk,
                                                                         stars["other_village"].pk}
    a = stars["assessment"]
    assert a.township_id == stars["xinling"].pk and a.county_id == stars["badong"].pk


def test_a_new_version_takes_over_the_open_assessments(stars):
    scheme, a = stars["scheme"], stars["assessment"]
    a = self_assess(stars, a)
    v2 = services.scheme_new_version(actor=stars["county"], scheme=scheme)
    assert v2.is_draft and v2.version == 2 and v2.indicators.count() == 4
    refused(ValidationError, lambda: services.scheme_new_version(actor=stars["county"], scheme=scheme))
    services.indicator_update(actor=stars["county"], indicator=ind(v2, "班子建设"), max_points=50)
    services.indicator_delete(actor=stars["county"], indicator=ind(v2, "为民办事"))
    v2 = services.scheme_publish(actor=stars["county"], scheme=v2)
    assert v2.created == 0 and v2.skipped == 0
    a.refresh_from_db()
    scheme.refresh_from_db()
    assert a.scheme_id == v2.pk and not scheme.is_current and v2.is_current
    assert set(a.items.values_list("indicator__name", "points")) == {("班子建设", 55)}
    a = scoring.refresh(a)
    assert a.score == 50  # 55 clipped to the new maximum of 50


def test_copy_to_next_year(stars):
    copy = services.scheme_copy(actor=stars["county"], scheme=stars["scheme"], year=YEAR + 1)
    assert copy.is_draft and copy.year == YEAR + 1 and copy.name.startswith(str(YEAR + 1))
    assert list(copy.indicators.values_list("name", flat=True)) == list(
        stars["scheme"].indicators.values_list("name", flat=True))
    refused(ValidationError, lambda: services.scheme_copy(actor=stars["county"], scheme=stars["scheme"],
                                                          year=YEAR + 1))


def test_last_years_award_is_carried_into_the_assessment(stars):
    Assessment.objects.filter(pk=stars["assessment"].pk).update(status="awarded", stars=4)
    copy = services.scheme_copy(actor=stars["county"], scheme=stars["scheme"], year=YEAR + 1)
    services.scheme_publish(actor=stars["county"], scheme=copy)
    assert Assessment.objects.get(org=stars["yunlong"], year=YEAR + 1).previous_stars == 4
    assert Assessment.objects.get(org=stars["other_village"], year=YEAR + 1).previous_stars is None


def test_bulk_scoring_computes_each_metric_once(stars, django_assert_max_num_queries):
    from dangjian.conftest import make_org
    from dangjian.orgs.models import Level, Org

    for n in range(12):
        make_org(stars["xinling"], f"中共测试{n}村支部委员会", f"t-{n}", Level.VILLAGE, kind=Org.Kind.BRANCH)
    copy = services.scheme_copy(actor=stars["county"], scheme=stars["scheme"], year=YEAR + 1)
    services.scheme_publish(actor=stars["county"], scheme=copy)
    assessments = list(copy.assessments.all())
    assert len(assessments) == 14
    # indicators, 1 metric (2 queries), items, events, 2 writes, transaction: the same for 14 or 14,000 (per chunk)
    with django_assert_max_num_queries(12):
        changed = scoring.score(copy, assessments)
    assert changed == 14
    assert Indicator.objects.filter(scheme=copy, method="metric").count() == 1
    assert scoring.score(copy, list(copy.assessments.all())) == 0  # nothing changed: no history row
