"""Permission matrix rows of 三进三帮 (see dangjian.core.testing).

Editor: 宣恩县 organization-department admin; reader: a leading cadre in 宣恩县 (reads everything, records visits,
handles no case); outsider: 巴东县 organization-department admin (another county).
"""

import datetime

from dangjian.core.testing import ANONYMOUS, API_ANONYMOUS, LOGIN, Row, api, page, write

ROLES = {"editor": "xuanen_admin", "reader": "leader", "outsider": "badong_admin"}
MARKER = "矩阵帮扶对象"


def records(world):
    """A visit, a beneficiary (with an ID number) and an open case in 伍家台村, once per world."""
    if "outreach_case" in world:
        return
    from dangjian.outreach import services
    from dangjian.outreach.tests.conftest import id_number

    admin = world["users"]["xuanen_admin"]
    world["outreach_visit"] = services.visit_create(actor=admin, org=world["wujiatai"], kind="village",
                                                    whom=MARKER, findings="矩阵走访发现")
    world["outreach_beneficiary"] = services.beneficiary_create(
        actor=admin, org=world["wujiatai"], kind="household", name=MARKER, household_size=3,
        id_number=id_number(99), phone="13907180000")
    world["outreach_case"] = services.case_open(actor=admin, beneficiary=world["outreach_beneficiary"],
                                                kind="hardship", problem="矩阵问题", visit=world["outreach_visit"])


def resolved(world):
    records(world)
    from dangjian.outreach import services

    case = world["outreach_case"]
    case.refresh_from_db()
    if case.status == "open":
        services.case_resolve(actor=world["users"]["xuanen_admin"], case=case, resolution="矩阵解决")


def pk_of(key):
    return lambda w: {"pk": w[key].pk}


def lists(name, **kw):
    return page(name, outsider_status=200, setup=records, marker=lambda w: MARKER, **ROLES, **kw)


def step(name, setup, data):
    return write(name, method="post", kwargs=pk_of("outreach_case"), setup=setup, data=data, editor_status=302,
                 **ROLES)


def api_list(name, marker=MARKER, **kw):
    return api(name, outsider_status=200, setup=records, marker=lambda w: marker, **ROLES, **kw)


def api_step(name, setup, data):
    return api(name, method="post", kwargs=pk_of("outreach_case"), setup=setup, data=data, **ROLES)


ROWS = [
    # --- pages
    page("outreach:summary", outsider_status=200, setup=records, **ROLES),
    page("outreach:summary", query=lambda w: {"org": w["wujiatai"].pk}, setup=records, **ROLES),
    lists("outreach:visit_list"),
    lists("outreach:visit_export"),
    lists("outreach:beneficiary_list"),
    lists("outreach:beneficiary_export"),
    lists("outreach:case_list", query=lambda w: {"q": "矩阵"}),
    lists("outreach:case_export"),
    page("outreach:visit_detail", kwargs=pk_of("outreach_visit"), setup=records, **ROLES),
    page("outreach:beneficiary_detail", kwargs=pk_of("outreach_beneficiary"), setup=records, **ROLES),
    page("outreach:case_detail", kwargs=pk_of("outreach_case"), setup=records, **ROLES),
    # Visits are recorded by leading cadres too (and members, in their own organization).
    Row("outreach:visit_create", expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 200,
                                         "badong_admin": 200, "auditor": 403}),
    Row("outreach:beneficiary_create", expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 403,
                                               "badong_admin": 200}),
    write("outreach:beneficiary_edit", kwargs=pk_of("outreach_beneficiary"), setup=records, **ROLES),
    write("outreach:beneficiary_reveal", method="post", setup=records,
          kwargs=lambda w: {"pk": w["outreach_beneficiary"].pk, "field": "id_number"}, **ROLES),
    write("outreach:case_create", query=lambda w: {"visit": w["outreach_visit"].pk}, setup=records, **ROLES),
    step("outreach:case_resolve", records, lambda w: {"resolve-resolution": "修好了",
                                                      "resolve-resolved_on": datetime.date.today()}),
    step("outreach:case_progress", records, lambda w: {"progress-note": "已联系"}),
    step("outreach:case_assign", records, lambda w: {"assign-helpers": [w["person"].pk]}),
    step("outreach:case_return_visit", resolved, lambda w: {"return-satisfaction": "satisfied",
                                                            "return-returned_on": datetime.date.today()}),
    step("outreach:case_reopen", resolved, lambda w: {"reopen-reason": "没修好"}),
    # --- API
    api_list("visit-list"),
    api("visit-list", method="post", editor_status=201, reader_status=201, outsider_status=404, **ROLES,
        data=lambda w: {"kind": "village", "org": w["wujiatai"].pk, "whom": "王家", "findings": "路坏了"}),
    api("visit-detail", kwargs=pk_of("outreach_visit"), setup=records, **ROLES),
    api_list("beneficiary-list"),
    api("beneficiary-list", method="post", editor_status=201, outsider_status=404, **ROLES,
        data=lambda w: {"kind": "person", "org": w["wujiatai"].pk, "name": "新对象"}),
    api("beneficiary-detail", kwargs=pk_of("outreach_beneficiary"), setup=records, **ROLES),
    api("beneficiary-detail", method="patch", kwargs=pk_of("outreach_beneficiary"), setup=records,
        data=lambda w: {"household_size": 4}, **ROLES),
    api("beneficiary-reveal", method="post", kwargs=pk_of("outreach_beneficiary"), setup=records,
        data=lambda w: {"field": "phone"}, **ROLES),
    api_list("help-case-list", marker="矩阵问题"),
    api("help-case-list", method="post", editor_status=201, setup=records, **ROLES,
        data=lambda w: {"kind": "hardship", "beneficiary": w["outreach_beneficiary"].pk, "problem": "缺水"}),
    api("help-case-detail", kwargs=pk_of("outreach_case"), setup=records, **ROLES),
    api_step("help-case-resolve", records, lambda w: {"resolution": "修好了"}),
    api_step("help-case-return-visit", resolved, lambda w: {"satisfaction": "basically", "note": ""}),
    api_step("help-case-reopen", resolved, lambda w: {"reason": "没修好"}),
    Row("outreach-summary", api=True, setup=records,
        expect={ANONYMOUS: API_ANONYMOUS, "xuanen_admin": 200, "leader": 200, "badong_admin": 200, "member": 403}),
    Row("outreach-summary", api=True, setup=records, query=lambda w: {"org": w["wujiatai"].pk},
        expect={ANONYMOUS: API_ANONYMOUS, "xuanen_admin": 200, "leader": 200, "badong_admin": 404}),
]
