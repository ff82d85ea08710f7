"""Permission matrix rows of the organization and people pages and API (see dangjian.core.testing).

Editor: 宣恩县 organization-department admin; reader: a leading cadre in 宣恩县 (read-only);
outsider: 巴东县 organization-department admin (another county).
"""

import datetime

from dangjian.core.testing import ANONYMOUS, API_ANONYMOUS, LOGIN, Row, api, page, write

ROLES = {"editor": "xuanen_admin", "reader": "leader", "outsider": "badong_admin"}
TODAY = datetime.date.today().isoformat()


def org(key):
    return lambda w: {"pk": w[key].pk}


def person(w):
    return {"pk": w["person"].pk}


def lists(name, marker, **kw):
    return page(name, outsider_status=200, marker=marker, **ROLES, **kw)


def new_person(w):
    from dangjian.conftest import person_data

    return {**person_data(name="矩阵新党员"), "org": w["wujiatai"].pk}


ROWS = [
    # --- organization pages
    lists("orgs:list", marker=lambda w: "伍家台"),
    lists("orgs:export", marker=lambda w: "伍家台"),
    lists("orgs:tree", marker=lambda w: "万寨"),
    lists("orgs:search", query=lambda w: {"q": "wjt"}, marker=lambda w: "伍家台"),
    page("orgs:tree_children", kwargs=org("wanzhai"), **ROLES),
    page("orgs:detail", kwargs=org("wujiatai"), **ROLES),
    page("orgs:children", kwargs=org("wanzhai"), **ROLES),
    write("orgs:create", query=lambda w: {"parent": w["wanzhai"].pk}, **ROLES),
    write("orgs:update", kwargs=org("wujiatai"), **ROLES),
    write("orgs:move", kwargs=org("wujiatai"), **ROLES),
    # The organization picker: the source decides from the user what is offered (never the client).
    lists("orgs:org_picker", query=lambda w: {"source": "visible", "field": "org", "q": "wjt"},
          marker=lambda w: "伍家台"),
    lists("orgs:org_picker", query=lambda w: {"source": "visible", "target": "list", "q": "wjt"},
          marker=lambda w: "伍家台"),
    Row("orgs:org_picker", query=lambda w: {"source": "new_member", "target": "create", "q": "wjt"},
        expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 403, "badong_admin": 200},
        marker=lambda w: "伍家台", insiders=("xuanen_admin",), outsiders=("badong_admin",)),
    Row("orgs:org_picker", query=lambda w: {"source": f"move:{w['wujiatai'].pk}", "field": "parent",
                                            "q": w["xiaohe"].name},
        expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 403, "badong_admin": 404},
        marker=lambda w: w["xiaohe"].name, insiders=("xuanen_admin",), outsiders=("badong_admin",)),
    # The transfer directory crosses scopes on purpose (names only): every editing role, read-only roles 403.
    Row("orgs:org_picker", query=lambda w: {"source": "directory", "field": "to_org", "q": "wjt"},
        expect={ANONYMOUS: LOGIN, "xuanen_admin": 200, "leader": 403, "badong_admin": 200},
        marker=lambda w: "伍家台", insiders=("xuanen_admin", "badong_admin"), outsiders=("leader",)),
    Row("orgs:org_picker", query=lambda w: {"source": "nobody", "field": "org", "q": "wjt"},
        expect={ANONYMOUS: LOGIN, "xuanen_admin": 404, "leader": 404, "badong_admin": 404}),
    write("orgs:delete", kwargs=org("empty_org"), **ROLES),
    write("orgs:delete", method="post", kwargs=org("empty_org"), editor_status=302, **ROLES),
    write("orgs:deactivate", method="post", kwargs=org("empty_org"), editor_status=302, **ROLES),
    write("orgs:reactivate", method="post", kwargs=org("empty_org"), editor_status=302, **ROLES),
    # --- people pages
    lists("orgs:person_list", marker=lambda w: "矩阵测试员"),
    lists("orgs:person_export", marker=lambda w: "矩阵测试员"),
    # Exact ID search (POST): found inside scope → the person's page; outside → back to the list, "not found"
    # (test_people_views checks where each redirect leads).
    Row("orgs:person_list", method="post", data=lambda w: {"idsearch-id_number": w["person"].id_number},
        expect={"anonymous": LOGIN, "xuanen_admin": 302, "leader": 302, "badong_admin": 302}),
    lists("orgs:person_picker", query=lambda w: {"q": "jz"}, marker=lambda w: "矩阵测试员"),
    page("orgs:person_detail", kwargs=person, **ROLES),
    write("orgs:person_create", query=lambda w: {"org": w["wujiatai"].pk}, **ROLES),
    write("orgs:person_update", kwargs=person, **ROLES),
    write("orgs:person_transfer", kwargs=person, **ROLES),
    write("orgs:person_reveal", method="post", kwargs=lambda w: {"pk": w["person"].pk, "field": "id_number"},
          **ROLES),
    write("orgs:position_create", query=lambda w: {"person": w["person"].pk, "org": w["wujiatai"].pk}, **ROLES),
    write("orgs:position_end", kwargs=lambda w: {"pk": w["position"].pk}, **ROLES),
    write("orgs:position_end", method="post", kwargs=lambda w: {"pk": w["position"].pk},
          data=lambda w: {"end_date": TODAY}, editor_status=302, **ROLES),
    # --- API
    api("org-list", outsider_status=200, marker=lambda w: "伍家台", **ROLES),
    api("org-list", method="post", editor_status=201, **ROLES,
        data=lambda w: {"parent": w["wanzhai"].pk, "name": "矩阵新组织", "code": "matrix-new", "level": 5,
                        "kind": "branch", "sector": "rural"}),
    api("org-detail", kwargs=org("wujiatai"), **ROLES),
    api("org-detail", method="patch", kwargs=org("wujiatai"), data=lambda w: {"name": "伍家台村党总支"}, **ROLES),
    api("org-detail", method="delete", kwargs=org("empty_org"), editor_status=204, **ROLES),
    api("org-children", kwargs=org("wanzhai"), **ROLES),
    api("org-move", method="post", kwargs=org("empty_org"), data=lambda w: {"parent": w["xiaohe"].pk}, **ROLES),
    api("org-deactivate", method="post", kwargs=org("empty_org"), **ROLES),
    api("org-reactivate", method="post", kwargs=org("empty_org"), **ROLES),
    api("person-list", outsider_status=200, marker=lambda w: "矩阵测试员", **ROLES),
    api("person-list", method="post", editor_status=201, data=new_person, **ROLES),
    api("person-detail", kwargs=person, **ROLES),
    api("person-detail", method="patch", kwargs=person, data=lambda w: {"education": "college"}, **ROLES),
    api("person-reveal", method="post", kwargs=person, data=lambda w: {"field": "id_number"}, **ROLES),
    api("person-transfer", method="post", kwargs=person, editor_status=201, **ROLES,
        data=lambda w: {"to_org": w["wujiatai_b1"].pk, "transferred_on": TODAY, "reason": "矩阵"}),
    api("position-list", outsider_status=200, marker=lambda w: "矩阵测试员", **ROLES),
    api("position-list", method="post", editor_status=201, **ROLES,
        data=lambda w: {"person": w["person"].pk, "org": w["wujiatai"].pk, "title": "member",
                        "start_date": TODAY}),
    api("position-detail", kwargs=lambda w: {"pk": w["position"].pk}, **ROLES),
    api("position-end", method="post", kwargs=lambda w: {"pk": w["position"].pk},
        data=lambda w: {"end_date": TODAY}, **ROLES),
]


# --- 组织关系转接 across the installation ------------------------------------------------------------------
# A transfer is seen by its sender and its receiving side only. "incoming": from 利川 (outside every persona's
# county) into 伍家台, pending — the editor (宣恩) is its receiving side, 巴东 has nothing to do with it.
# "outgoing": from 伍家台 to 利川, pending — the editor is its sender. "letter": 伍家台 out of the platform.


def _lichuan(w):
    if "lichuan" not in w:
        from dangjian.conftest import make_org, make_person
        from dangjian.orgs.models import Level

        w["lichuan"] = make_org(w["zhou"], "中共利川市委", "422802", Level.COUNTY)
        w["lichuan_member"] = make_person(w["lichuan"], name="矩阵转入员")
    return w["lichuan"]


def _pending(w, person, from_org, to_org):
    from dangjian.orgs.models import Transfer

    transfer = Transfer(person=person, from_org=from_org, transferred_on=datetime.date.today(),
                        status=Transfer.Status.PENDING)
    transfer.set_org(to_org)
    transfer.save()
    return transfer


def incoming(w):
    if "incoming" not in w:
        _lichuan(w)
        w["incoming"] = _pending(w, w["lichuan_member"], w["lichuan"], w["wujiatai"])
    return {"pk": w["incoming"].pk}


def outgoing(w):
    if "outgoing" not in w:
        w["outgoing"] = _pending(w, w["person"], w["wujiatai"], _lichuan(w))
    return {"pk": w["outgoing"].pk}


def letter(w):
    if "letter" not in w:
        from dangjian.orgs import services

        w["letter"] = services.person_transfer_out(
            actor=w["users"]["xuanen_admin"], person=w["person"], to_org_name="中共矩阵外省支部委员会",
            transferred_on=datetime.date.today(), dues_paid_until=datetime.date.today())
    return {"pk": w["letter"].pk}


def _with_incoming(w):
    incoming(w)


ROWS += [
    lists("orgs:transfer_list", marker=lambda w: "矩阵转入员", setup=_with_incoming),
    page("orgs:transfer_detail", kwargs=incoming, **ROLES),
    page("orgs:transfer_detail", kwargs=outgoing, **ROLES),
    write("orgs:transfer_accept", method="post", kwargs=incoming, editor_status=302, **ROLES),
    write("orgs:transfer_return", kwargs=incoming, **ROLES),
    write("orgs:transfer_return", method="post", kwargs=incoming, data=lambda w: {"reason": "矩阵退回"},
          editor_status=302, **ROLES),
    write("orgs:transfer_withdraw", method="post", kwargs=outgoing, editor_status=302, **ROLES),
    write("orgs:transfer_letter", kwargs=letter, **ROLES),
    # --- API
    Row("org-directory-list", query=lambda w: {"q": "wjt"}, api=True,
        expect={ANONYMOUS: API_ANONYMOUS, "xuanen_admin": 200, "leader": 403, "badong_admin": 200}),
    api("transfer-list", outsider_status=200, marker=lambda w: "矩阵转入员", setup=_with_incoming, **ROLES),
    api("transfer-detail", kwargs=incoming, **ROLES),
    api("transfer-accept", method="post", kwargs=incoming, **ROLES),
    api("transfer-return", method="post", kwargs=incoming, data=lambda w: {"reason": "矩阵退回"}, **ROLES),
    api("transfer-withdraw", method="post", kwargs=outgoing, **ROLES),
    api("transfer-letter", kwargs=letter, reader_status=403, **ROLES),
]
