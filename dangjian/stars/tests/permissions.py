"""Permission matrix rows of the star-rating pages and API (see dangjian.core.testing).

Editor: 宣恩县 organization department (owns the scheme, approves); reader: a leading cadre in 宣恩县; outsider:
巴东县 organization department. The steps of the organization and of the township are tried by their own accounts
(伍家台村's secretary, 万寨乡's committee), which is who may take them.
"""

import datetime

from dangjian.core.testing import ANONYMOUS, API_ANONYMOUS, LOGIN, Row, api, page, write

ROLES = {"editor": "xuanen_admin", "reader": "leader", "outsider": "badong_admin"}
PAST = datetime.date.today() - datetime.timedelta(days=30)


def scheme(w, publish=True):
    from dangjian.stars.tests.conftest import build_scheme

    w["scheme"] = build_scheme(w["users"]["xuanen_admin"], w["xuanen"], publish=publish)
    w["indicator"] = w["scheme"].indicators.get(name="班子建设")
    w["assessment"] = w["scheme"].assessments.filter(org=w["wujiatai"]).first()


def draft(w):
    scheme(w, publish=False)


def at(step):
    """A setup leaving 伍家台村's assessment ready for `step`."""
    from dangjian.stars import workflow

    order = ["self", "review", "approve", "publicize", "award", "done"]

    def setup(w):
        scheme(w)
        a, u = w["assessment"], w["users"]
        items = [{"indicator": w["indicator"].pk, "points": 60, "note": "矩阵"},
                 {"indicator": w["scheme"].indicators.get(name="为民办事").pk, "points": 20}]
        for done in order[:order.index(step)]:
            if done == "self":
                workflow.assessment_self_assess(actor=u["wujiatai"], assessment=a, items=items)
            elif done == "review":
                workflow.assessment_review(actor=u["wanzhai"], assessment=a)
            elif done == "approve":
                workflow.assessment_approve(actor=u["xuanen_admin"], assessment=a)
            elif done == "publicize":
                workflow.assessment_publicize(actor=u["xuanen_admin"], assessment=a,
                                              today=PAST if step != "object" else None)
            elif done == "award":
                workflow.assessment_award(actor=u["xuanen_admin"], assessment=a)
        if step == "answer":
            w["objection"] = workflow.assessment_object(actor=u["leader"], assessment=a, text="矩阵异议内容")
        if step == "done":
            w["award"] = a.award
    return setup


def objection_setup(w):
    at("publicize")(w)
    from dangjian.stars import workflow

    workflow.assessment_publicize(actor=w["users"]["xuanen_admin"], assessment=w["assessment"])


def answer_setup(w):
    objection_setup(w)
    from dangjian.stars import workflow

    w["objection"] = workflow.assessment_object(actor=w["users"]["leader"], assessment=w["assessment"],
                                                text="矩阵异议内容")


def s_kw(w):
    return {"pk": w["scheme"].pk}


def a_kw(w):
    return {"pk": w["assessment"].pk}


def step_row(name, persona, status=200, method="post", data=None, setup=None, **kw):
    """A workflow step as its own actor, a reader who may not take it (403) and the other county (404)."""
    expect = {ANONYMOUS: API_ANONYMOUS, persona: status, "leader": 403, "badong_admin": 404}
    return Row(name, method=method, kwargs=a_kw, data=data, setup=setup, expect=expect, api=True, **kw)


ROWS = [
    # --- pages
    page("stars:scheme_list", outsider_status=200, setup=scheme, marker=lambda w: "年度星级评定方案", **ROLES),
    Row("stars:scheme_create", expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 403, "badong_admin": 200}),
    page("stars:scheme_detail", kwargs=s_kw, setup=scheme, **ROLES),
    write("stars:scheme_update", kwargs=s_kw, setup=draft, **ROLES),
    write("stars:indicator_create", kwargs=s_kw, setup=draft, **ROLES),
    write("stars:indicator_update", kwargs=lambda w: {"pk": w["scheme"].pk, "indicator": w["indicator"].pk},
          setup=draft, **ROLES),
    write("stars:indicator_delete", method="post", editor_status=302,
          kwargs=lambda w: {"pk": w["scheme"].pk, "indicator": w["indicator"].pk}, setup=draft, **ROLES),
    write("stars:scheme_action", method="post", editor_status=302,
          kwargs=lambda w: {"pk": w["scheme"].pk, "step": "score"}, setup=scheme, **ROLES),
    page("stars:assessment_list", outsider_status=200, setup=scheme, marker=lambda w: "伍家台", **ROLES),
    page("stars:assessment_detail", kwargs=a_kw, setup=scheme, **ROLES),
    # Any reader may ask for a recomputation; the other county does not see the assessment.
    Row("stars:assessment_step", method="post", kwargs=lambda w: {"pk": w["assessment"].pk, "step": "recompute"},
        setup=scheme, expect={ANONYMOUS: LOGIN, "xuanen_admin": 302, "leader": 302, "badong_admin": 404}),
    write("stars:score_event_create", method="post", editor_status=302, kwargs=a_kw, setup=scheme,
          data=lambda w: {"indicator": w["indicator"].pk, "points": "2", "reason": "矩阵加分"}, **ROLES),
    page("stars:map", outsider_status=200, marker=lambda w: "万寨", **ROLES),
    page("stars:certificate", kwargs=lambda w: {"pk": w["award"].pk}, setup=at("done"), **ROLES),
    # --- API
    api("scheme-list", outsider_status=200, setup=scheme, marker=lambda w: "年度星级评定方案", **ROLES),
    api("scheme-list", method="post", editor_status=201,
        data=lambda w: {"org": w["xuanen"].pk, "year": 2013, "name": "矩阵方案", "levels": [5],
                        "thresholds": [{"stars": 3, "min_score": 85}]}, **ROLES),
    api("scheme-detail", kwargs=s_kw, setup=scheme, **ROLES),
    api("scheme-detail", method="patch", kwargs=s_kw, setup=draft, data=lambda w: {"name": "矩阵改名"}, **ROLES),
    api("scheme-publish", method="post", kwargs=s_kw, setup=draft, **ROLES),
    api("scheme-copy", method="post", editor_status=201, kwargs=s_kw, setup=scheme, data=lambda w: {"year": 2013},
        **ROLES),
    api("scheme-new-version", method="post", editor_status=201, kwargs=s_kw, setup=scheme, **ROLES),
    api("scheme-score", method="post", editor_status=202, kwargs=s_kw, setup=scheme, **ROLES),
    api("indicator-list", outsider_status=200, setup=scheme, marker=lambda w: "班子建设", **ROLES),
    api("indicator-list", method="post", editor_status=201, setup=draft,
        data=lambda w: {"scheme": w["scheme"].pk, "category": "组织建设", "name": "矩阵指标", "max_points": 5},
        **ROLES),
    api("indicator-detail", kwargs=lambda w: {"pk": w["indicator"].pk}, setup=scheme, **ROLES),
    api("indicator-detail", method="patch", kwargs=lambda w: {"pk": w["indicator"].pk}, setup=draft,
        data=lambda w: {"max_points": 50}, **ROLES),
    api("indicator-detail", method="delete", editor_status=204, kwargs=lambda w: {"pk": w["indicator"].pk},
        setup=draft, **ROLES),
    api("assessment-list", outsider_status=200, setup=scheme, marker=lambda w: f'"org":{w["wujiatai"].pk},', **ROLES),
    api("assessment-detail", kwargs=a_kw, setup=scheme, **ROLES),
    step_row("assessment-self-assess", "wujiatai", setup=at("self"),
             data=lambda w: {"items": [{"indicator": w["indicator"].pk, "points": 50, "note": "矩阵"}]}),
    step_row("assessment-review", "wanzhai", setup=at("review"), data=lambda w: {"items": []}),
    step_row("assessment-approve", "xuanen_admin", setup=at("approve")),
    step_row("assessment-publicize", "xuanen_admin", setup=at("publicize")),
    api("assessment-object", method="post", editor_status=201, reader_status=201, kwargs=a_kw,
        setup=objection_setup, data=lambda w: {"text": "评分依据不足"}, **ROLES),
    step_row("assessment-answer", "xuanen_admin", setup=answer_setup,
             data=lambda w: {"objection": w["objection"].pk, "text": "已核实，维持原评定"}),
    step_row("assessment-award", "xuanen_admin", setup=at("award")),
    api("assessment-recompute", method="post", reader_status=200, kwargs=a_kw, setup=scheme, **ROLES),
    api("score-event-list", outsider_status=200, setup=lambda w: event_setup(w), marker=lambda w: "矩阵加分",
        **ROLES),
    api("score-event-list", method="post", editor_status=201, setup=scheme,
        data=lambda w: {"assessment": w["assessment"].pk, "indicator": w["indicator"].pk, "points": 3,
                        "reason": "矩阵加分"}, **ROLES),
    api("score-event-detail", kwargs=lambda w: {"pk": w["event"].pk}, setup=lambda w: event_setup(w), **ROLES),
    api("star-award-list", outsider_status=200, setup=at("done"), marker=lambda w: w["award"].certificate_no,
        **ROLES),
    api("star-award-detail", kwargs=lambda w: {"pk": w["award"].pk}, setup=at("done"), **ROLES),
    api("star-award-certificate", kwargs=lambda w: {"pk": w["award"].pk}, setup=at("done"), **ROLES),
    api("stars-map", query=lambda w: {"org": w["xuanen"].pk}, marker=lambda w: "万寨", **ROLES),
]


def event_setup(w):
    from dangjian.stars import workflow

    scheme(w)
    w["event"] = workflow.score_event_record(actor=w["users"]["xuanen_admin"], assessment=w["assessment"],
                                             indicator=w["indicator"], points=2, reason="矩阵加分")
