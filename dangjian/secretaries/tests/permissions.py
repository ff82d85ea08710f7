"""Permission-matrix rows of 抓书记 (dangjian.core.testing).

Editor: 宣恩县 organization-department admin (the committee's own staff); reader: a leading cadre of 宣恩县 who
holds no post the records name; outsider: 巴东县 organization-department admin. Objects are built lazily through
the services, inside 宣恩县. Steps whose actor the records name (select, claim) answer 403 to the staff too: the
successful calls by the right accounts are in test_api.py.
"""

import datetime

from dangjian.core.testing import ANONYMOUS, LOGIN, Row, api, page, write

ROLES = {"editor": "xuanen_admin", "reader": "leader", "outsider": "badong_admin"}
YEAR = datetime.date.today().year
TODAY = datetime.date.today().isoformat()
DEADLINE = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


def _cadres(w):
    """宣恩县委's secretary and 组织部长 with their accounts (found from the posts, as in production)."""
    if "s_secretary" not in w:
        from dangjian.conftest import make_person, make_user
        from dangjian.secretaries.tests.conftest import appoint

        admin = w["users"]["zhou_admin"]
        w["s_secretary"] = make_person(w["xuanen"], name="矩阵书记")
        w["s_minister"] = make_person(w["xuanen"], name="矩阵部长")
        appoint(admin, w["s_secretary"], w["xuanen"], "secretary")
        appoint(admin, w["s_minister"], w["xuanen"], "minister")
        w["s_secretary_user"] = make_user(w["xuanen"], "leader", "m_shuji", person=w["s_secretary"])
        w["s_minister_user"] = make_user(w["xuanen"], "org_dept", "m_buzhang", person=w["s_minister"])
    return w


def _topic(w, status="proposed"):
    from dangjian.secretaries import services

    key = f"s_topic_{status}"
    if key not in w:
        topic = services.topic_propose(actor=w["users"]["xuanen_admin"], org=w["xuanen"], year=YEAR,
                                       title="矩阵课题", weakness="矩阵弱点")
        if status != "proposed":
            _cadres(w)
            services.topic_select(actor=w["s_secretary_user"], topic=topic, difficulty="难点")
            services.topic_claim(actor=w["s_minister_user"], topic=topic, key_point="重点", plan="方案")
        if status == "undertaken":
            w["s_undertaking"] = services.topic_undertake(actor=w["users"]["xuanen_admin"], topic=topic,
                                                          org=w["wujiatai"])
        w[key] = topic
    return w[key]


def topic(status="proposed"):
    return lambda w: {"pk": _topic(w, status).pk}


def undertaking(w):
    _topic(w, "undertaken")
    return {"pk": w["s_undertaking"].pk}


def session(w):
    from dangjian.secretaries import services

    if "s_session" not in w:
        w["s_session"] = services.session_record(actor=w["users"]["xuanen_admin"], org=w["xuanen"], kind="study",
                                                 held_on=datetime.date.today(), agenda="矩阵会议")
    return {"pk": w["s_session"].pk}


def point(w):
    from dangjian.secretaries import services

    if "s_point" not in w:
        _cadres(w)
        w["s_point"] = services.point_assign(actor=w["users"]["xuanen_admin"], leader=w["s_secretary"],
                                             org=w["wujiatai"], year=YEAR)
    return {"pk": w["s_point"].pk}


def visit(w):
    from dangjian.secretaries import services

    if "s_visit" not in w:
        point(w)
        w["s_visit"] = services.visit_log(actor=w["users"]["xuanen_admin"], point=w["s_point"],
                                          visited_on=datetime.date.today(), content="矩阵走访",
                                          problems="矩阵问题")
    return {"pk": w["s_visit"].pk}


def _township_secretary(w):
    if "s_township_secretary" not in w:
        from dangjian.conftest import make_person
        from dangjian.secretaries.tests.conftest import appoint

        w["s_township_secretary"] = make_person(w["wanzhai"], name="矩阵镇书记")
        appoint(w["users"]["zhou_admin"], w["s_township_secretary"], w["wanzhai"], "secretary")
    return w


def review(status="draft"):
    def kwargs(w):
        from dangjian.secretaries import services

        key = f"s_review_{status}"
        if key not in w:
            _township_secretary(w)
            admin = w["users"]["xuanen_admin"]  # staff of 宣恩县委, the committee right above 万寨乡
            r = services.review_create(actor=admin, org=w["wanzhai"], year=YEAR - 1, report="矩阵述职")
            if status in ("submitted", "graded"):
                services.review_submit(actor=admin, review=r)
            if status == "graded":
                services.review_grade(actor=admin, review=r, ballots={"good": 3, "fairly_good": 1, "fair": 0,
                                                                        "poor": 0})
            w[key] = r
        return {"pk": w[key].pk}
    return kwargs


def lists(name, marker, **kw):
    return page(name, outsider_status=200, marker=marker, **ROLES, **kw)


def touch(kwargs):
    """A setup that builds the object a list row must show."""
    return lambda w: kwargs(w) and None


def form_page(name):
    """A form page of the committee's staff: any organization department opens it (its own committee)."""
    return Row(name, expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 403, "badong_admin": 200})


BALLOTS = {"ballots": {"good": 5, "fairly_good": 2, "fair": 1, "poor": 0}, "comment": "矩阵评语"}

ROWS = [
    # --- pages
    lists("secretaries:topic_list", setup=touch(topic()), marker=lambda w: "矩阵课题"),
    form_page("secretaries:topic_create"),
    page("secretaries:topic_detail", kwargs=topic(), **ROLES),
    write("secretaries:topic_step", method="post", kwargs=lambda w: {"pk": _topic(w, "claimed").pk,
                                                                     "step": "return"},
          data=lambda w: {"reason": "矩阵退回"}, editor_status=302, **ROLES),
    page("secretaries:undertaking_detail", kwargs=undertaking, **ROLES),
    lists("secretaries:session_list", setup=touch(session), marker=lambda w: "矩阵会议"),
    form_page("secretaries:session_create"),
    page("secretaries:session_detail", kwargs=session, **ROLES),
    lists("secretaries:point_list", setup=touch(point), marker=lambda w: "矩阵书记"),
    form_page("secretaries:point_create"),
    page("secretaries:point_detail", kwargs=point, **ROLES),
    write("secretaries:point_detail", method="post", kwargs=point, editor_status=302,
          data=lambda w: {"visited_on": TODAY, "content": "矩阵走访"}, **ROLES),
    write("secretaries:visit_pass_on", method="post", kwargs=visit, data=lambda w: {"deadline": DEADLINE},
          editor_status=302, **ROLES),
    lists("secretaries:review_list", setup=touch(review()), marker=lambda w: "矩阵镇书记"),
    Row("secretaries:review_create", expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 200,
                                             "badong_admin": 200, "member": 403}),
    page("secretaries:review_detail", kwargs=review(), **ROLES),
    lists("secretaries:overview", marker=lambda w: "万寨"),
    lists("secretaries:compliance", marker=lambda w: "万寨"),
    lists("secretaries:export", marker=lambda w: "万寨"),
    # --- API
    api("topic-list", outsider_status=200, setup=touch(topic()), marker=lambda w: "矩阵课题", **ROLES),
    api("topic-list", method="post", editor_status=201, **ROLES,
        data=lambda w: {"org": w["xuanen"].pk, "year": YEAR, "title": "矩阵新课题", "weakness": "弱点"}),
    api("topic-detail", kwargs=topic(), **ROLES),
    api("topic-select", method="post", kwargs=topic(), data=lambda w: {"difficulty": "难"}, editor_status=403,
        **ROLES),
    api("topic-claim", method="post", kwargs=topic(), data=lambda w: {"key_point": "k", "plan": "p"},
        editor_status=403, **ROLES),
    api("topic-undertake", method="post", kwargs=topic("claimed"), data=lambda w: {"org": w["wujiatai"].pk},
        editor_status=201, **ROLES),
    api("topic-complete", method="post", kwargs=topic("undertaken"), data=lambda w: {"evaluation": "好"},
        **ROLES),
    api("topic-return", method="post", kwargs=topic("claimed"), data=lambda w: {"reason": "矩阵退回"}, **ROLES),
    api("topic-undertaking-list", outsider_status=200, setup=touch(undertaking), marker=lambda w: "伍家台",
        **ROLES),
    api("topic-undertaking-detail", kwargs=undertaking, **ROLES),
    api("topic-undertaking-report", method="post", kwargs=undertaking, data=lambda w: {"content": "进展"},
        **ROLES),
    api("committee-session-list", outsider_status=200, setup=touch(session), marker=lambda w: "矩阵会议",
        **ROLES),
    api("committee-session-list", method="post", editor_status=201, **ROLES, data=lambda w: {
        "org": w["xuanen"].pk, "kind": "plenary_report", "held_on": TODAY, "agenda": "矩阵报告"}),
    api("committee-session-detail", kwargs=session, **ROLES),
    api("contact-point-list", outsider_status=200, setup=touch(point), marker=lambda w: "矩阵书记", **ROLES),
    api("contact-point-list", method="post", editor_status=201, **ROLES, data=lambda w: {
        "leader": _cadres(w)["s_minister"].pk, "org": w["wujiatai"].pk, "year": YEAR}),
    api("contact-point-detail", kwargs=point, **ROLES),
    api("contact-visit-list", outsider_status=200, setup=touch(visit), marker=lambda w: "矩阵走访", **ROLES),
    api("contact-visit-list", method="post", editor_status=201, **ROLES, data=lambda w: {
        "point": point(w)["pk"], "visited_on": TODAY, "content": "矩阵走访"}),
    api("contact-visit-detail", kwargs=visit, **ROLES),
    api("contact-visit-pass-on", method="post", kwargs=visit, data=lambda w: {"deadline": DEADLINE}, **ROLES),
    api("secretary-review-list", outsider_status=200, setup=touch(review()), marker=lambda w: "矩阵述职",
        **ROLES),
    api("secretary-review-list", method="post", editor_status=201, reader_status=403, **ROLES,
        data=lambda w: {"org": w["wujiatai"].pk, "year": YEAR - 1, "report": "述职"}),
    api("secretary-review-detail", kwargs=review(), **ROLES),
    api("secretary-review-submit", method="post", kwargs=review(), **ROLES),
    api("secretary-review-grade", method="post", kwargs=review("submitted"), data=lambda w: BALLOTS, **ROLES),
    api("secretary-review-publish", method="post", kwargs=review("graded"), **ROLES),
    api("secretaries-compliance", outsider_status=200, marker=lambda w: "万寨", **ROLES),
]
