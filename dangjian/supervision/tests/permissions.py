"""Permission matrix rows of 跟踪督办 (see dangjian.core.testing).

Issuer: 宣恩县 organization department (editor); assignee: 伍家台村's secretary; reader: a leading cadre of 宣恩县
(read-only); outsider: 巴东县 organization department (another county).
"""

import datetime

from dangjian.core.testing import ANONYMOUS, API_ANONYMOUS, LOGIN, Row

TITLE = "矩阵督办事项"
ROLES = ("xuanen_admin", "wujiatai", "leader", "badong_admin")


def task(w):
    """A task of 宣恩县 to 伍家台村, issued once per world."""
    if "supervised_task" not in w:
        from dangjian.supervision import services

        w["supervised_task"] = services.task_issue(
            actor=w["users"]["xuanen_admin"], issuer_org=w["xuanen"], title=TITLE, requirement="矩阵要求",
            source="meeting", deadline=datetime.date.today() + datetime.timedelta(days=10), orgs=[w["wujiatai"]])
        w["assignment"] = w["supervised_task"].assignments.get()
    return w["supervised_task"]


def reported(w):
    from dangjian.supervision import services

    task(w)
    services.assignment_report(actor=w["users"]["wujiatai"], assignment=w["assignment"], content="矩阵进展")


def task_pk(w):
    return {"pk": task(w).pk}


def assignment_pk(w):
    task(w)
    return {"pk": w["assignment"].pk}


def expect(issuer, assignee, reader, outsider, anonymous=LOGIN):
    return dict(zip((ANONYMOUS, *ROLES), (anonymous, issuer, assignee, reader, outsider), strict=True))


def listing(name, insiders=("xuanen_admin", "wujiatai"), **kw):
    return Row(name, setup=task, marker=lambda w: TITLE, insiders=insiders, outsiders=("badong_admin",), **kw)


def api(name, statuses, **kw):
    return Row(name, api=True, expect=expect(*statuses, anonymous=API_ANONYMOUS), **kw)


ROWS = [
    # --- pages
    listing("supervision:issued", expect=expect(200, 200, 200, 200), insiders=("xuanen_admin", "leader")),
    listing("supervision:assigned", expect=expect(200, 200, 200, 200)),
    listing("supervision:assigned_export", expect=expect(200, 200, 200, 200)),
    Row("supervision:create", expect=expect(200, 403, 403, 200)),
    Row("supervision:create", method="post", expect=expect(302, 403, 403, 200),
        data=lambda w: {"title": "矩阵新督办", "requirement": "要求", "source": "meeting", "issue": "1",
                        "deadline": datetime.date.today().isoformat(), "orgs": [w["wujiatai"].pk]}),
    Row("supervision:detail", kwargs=task_pk, expect=expect(200, 200, 200, 404)),
    Row("supervision:report", kwargs=assignment_pk, expect=expect(403, 200, 403, 404)),
    Row("supervision:report", method="post", kwargs=assignment_pk, data=lambda w: {"content": "进展"},
        expect=expect(403, 302, 403, 404)),
    Row("supervision:close", method="post", kwargs=assignment_pk, setup=reported, expect=expect(302, 403, 403, 404)),
    Row("supervision:return", kwargs=assignment_pk, setup=reported, expect=expect(200, 403, 403, 404)),
    Row("supervision:return", method="post", kwargs=assignment_pk, setup=reported, data=lambda w: {"reason": "补充"},
        expect=expect(302, 403, 403, 404)),
    # --- API
    api("supervised-task-list", (200, 200, 200, 200), setup=task, marker=lambda w: TITLE,
        insiders=("xuanen_admin", "wujiatai"), outsiders=("badong_admin",)),
    api("supervised-task-list", (201, 403, 403, 404), method="post",
        data=lambda w: {"title": "矩阵新督办", "requirement": "要求", "source": "meeting",
                        "deadline": datetime.date.today().isoformat(), "orgs": [w["wujiatai"].pk],
                        "issuer_org": w["xuanen"].pk}),
    api("supervised-task-detail", (200, 200, 200, 404), kwargs=task_pk),
    api("task-assignment-list", (200, 200, 200, 200), setup=task, marker=lambda w: TITLE,
        insiders=("xuanen_admin", "wujiatai"), outsiders=("badong_admin",)),
    api("task-assignment-detail", (200, 200, 200, 404), kwargs=assignment_pk),
    api("task-assignment-report", (403, 200, 403, 404), method="post", kwargs=assignment_pk,
        data=lambda w: {"content": "进展"}),
    api("task-assignment-close", (200, 403, 403, 404), method="post", kwargs=assignment_pk, setup=reported),
    api("task-assignment-return", (200, 403, 403, 404), method="post", kwargs=assignment_pk, setup=reported,
        data=lambda w: {"reason": "补充"}),
]
