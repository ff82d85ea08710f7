"""Pages and API of 跟踪督办: lists by issuer and by assignee at a constant query count, the task page with
reports and attachments, the issue form (ticked organizations, the picker for deeper ones), the API's refusals in
Chinese with nothing written, and home figures that equal their API lists' counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.conftest import make_org
from dangjian.core import workbench
from dangjian.orgs.models import Level, Org
from dangjian.orgs.tests.test_api import CJK, Unchanged
from dangjian.supervision import services
from dangjian.supervision.models import SupervisedTask, TaskAssignment, TaskReport

from .conftest import TODAY, assignment_of, issue
from .test_services import PDF


def api_client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def grow(tree, users, count):
    """`count` tasks of 宣恩县, each to 伍家台村 and 晓关, with a report and an attachment on 伍家台村's part."""
    for i in range(count):
        task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"], tree["xiaohe"]], title=f"任务{i}",
                     deadline=TODAY + datetime.timedelta(days=i))
        services.assignment_report(actor=users["wujiatai"], assignment=assignment_of(task, tree["wujiatai"]),
                                   content=f"进展{i}", files=[SimpleUploadedFile(f"台账{i}.pdf", PDF)])


def _queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("name", ["supervision:issued", "supervision:assigned"])
def test_lists_cost_a_fixed_number_of_queries(client, tree, users, name, django_assert_max_num_queries):
    client.force_login(users["xuanen_admin"])
    grow(tree, users, 2)
    _queries(client, reverse(name), django_assert_max_num_queries, 40)
    grow(tree, users, 8)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name) + "?q=任务1")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(name))
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert "任务7" in response.content.decode()


def test_task_page_shows_reports_and_files_at_a_fixed_cost(client, tree, users, django_assert_max_num_queries):
    grow(tree, users, 1)
    task = SupervisedTask.objects.get()
    client.force_login(users["xuanen_admin"])
    page = _queries(client, reverse("supervision:detail", args=[task.pk]), django_assert_max_num_queries, 30)
    text = page.content.decode()
    assert "进展0" in text and "台账0.pdf" in text and "晓关侗族乡" in text
    assert "核验销号" in text or "Verify and close" in text
    # the assignee's side sees its own part only, and no verification buttons
    client.force_login(users["wujiatai"])
    text = client.get(reverse("supervision:detail", args=[task.pk])).content.decode()
    assert "进展0" in text and "晓关侗族乡" not in text
    assert reverse("supervision:close", args=[assignment_of(task, tree["wujiatai"]).pk]) not in text


def test_issue_form_ticks_children_and_adds_deeper_orgs(client, tree, users):
    client.force_login(users["xuanen_admin"])
    page = client.get(reverse("supervision:create")).content.decode()
    assert "万寨乡" in page and "晓关侗族乡" in page and "伍家台村" not in page  # only the level below at first
    data = {"title": "整改", "requirement": "按要求整改", "source": "meeting",
            "deadline": (TODAY + datetime.timedelta(days=5)).isoformat(), "orgs": [tree["xiaohe"].pk]}
    added = client.post(reverse("supervision:create"), {**data, "add_org": tree["wujiatai"].pk, "add": "1"})
    text = added.content.decode()
    assert added.status_code == 200 and "伍家台村" in text and SupervisedTask.objects.count() == 0
    assert f'value="{tree["wujiatai"].pk}" checked' in text
    done = client.post(reverse("supervision:create"), {**data, "orgs": [tree["xiaohe"].pk, tree["wujiatai"].pk],
                                                       "issue": "1"})
    task = SupervisedTask.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("supervision:detail", args=[task.pk])
    assert set(task.assignments.values_list("org_id", flat=True)) == {tree["xiaohe"].pk, tree["wujiatai"].pk}


def test_issue_form_refusals_change_nothing(client, tree, users):
    client.force_login(users["xuanen_admin"])
    data = {"title": "整改", "requirement": "按要求整改", "source": "meeting", "issue": "1",
            "deadline": (TODAY - datetime.timedelta(days=1)).isoformat(), "orgs": [tree["xiaohe"].pk]}
    with Unchanged(SupervisedTask, TaskAssignment):
        past = client.post(reverse("supervision:create"), data)
        outside = client.post(reverse("supervision:create"), {**data, "deadline": TODAY.isoformat(),
                                                              "orgs": [tree["yunlong"].pk]})
        none = client.post(reverse("supervision:create"), {**data, "deadline": TODAY.isoformat(), "orgs": []})
    assert "办结期限不能早于今天" in past.content.decode()
    assert outside.status_code == 200 and CJK.search(outside.content.decode())
    assert "请至少选择一个承办单位" in none.content.decode()


def test_report_page_with_attachment_then_close_and_return(client, tree, users):
    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"], tree["xiaohe"]])
    mine = assignment_of(task, tree["wujiatai"])
    client.force_login(users["wujiatai"])
    response = client.post(reverse("supervision:report", args=[mine.pk]),
                           {"content": "已完成", "files": [SimpleUploadedFile("照片.pdf", PDF)]})
    assert response.status_code == 302
    assert TaskReport.objects.get().assignment == mine
    client.force_login(users["xuanen_admin"])
    assert client.post(reverse("supervision:close", args=[mine.pk])).status_code == 302
    assert TaskAssignment.objects.get(pk=mine.pk).status == "closed"
    other = assignment_of(task, tree["xiaohe"])
    # closing a part nobody reported on: a message, nothing changes
    response = client.post(reverse("supervision:close", args=[other.pk]), follow=True)
    assert "承办单位尚未报送进展" in response.content.decode()
    assert TaskAssignment.objects.get(pk=other.pk).status == "pending"


# --- API ---------------------------------------------------------------------------------------------------


def test_api_issue_and_workflow(tree, users):
    api = api_client(users["xuanen_admin"])
    body = {"title": "接口督办", "requirement": "要求", "source": "complaint",
            "deadline": (TODAY + datetime.timedelta(days=2)).isoformat(), "orgs": [tree["wujiatai"].pk,
                                                                                    tree["xiaohe"].pk]}
    created = api.post(reverse("supervised-task-list"), body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["issuer_org"] == tree["xuanen"].pk and data["source"] == "complaint"
    assert {(a["org"], a["status"], a["light"]) for a in data["assignments"]} == {
        (tree["wujiatai"].pk, "pending", "yellow"), (tree["xiaohe"].pk, "pending", "yellow")}
    mine = next(a["id"] for a in data["assignments"] if a["org"] == tree["wujiatai"].pk)
    village = api_client(users["wujiatai"])
    seen = village.get(reverse("supervised-task-detail", args=[data["id"]])).json()
    assert [a["org"] for a in seen["assignments"]] == [tree["wujiatai"].pk]  # its own part only
    reported = village.post(reverse("task-assignment-report", args=[mine]), {"content": "已整改"}, format="json")
    assert reported.status_code == 200 and reported.json()["status"] == "reported"
    returned = api.post(reverse("task-assignment-return", args=[mine]), {"reason": "请补充照片"}, format="json")
    assert returned.json()["status"] == "returned"
    village.post(reverse("task-assignment-report", args=[mine]), {"content": "已补充"}, format="json")
    closed = api.post(reverse("task-assignment-close", args=[mine]))
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["light"] == "green"


def _issue_body(tree, **overrides):
    return {"title": "接口督办", "requirement": "要求", "source": "meeting",
            "deadline": TODAY.isoformat(), "orgs": [tree["wujiatai"].pk], **overrides}


@pytest.mark.parametrize("overrides, field", [
    ({"deadline": (TODAY - datetime.timedelta(days=1)).isoformat()}, "deadline"),
    ({"orgs": []}, "orgs"),
    ({"title": ""}, "title"),
])
def test_api_bad_input_is_refused_in_chinese(tree, users, overrides, field):
    with Unchanged(SupervisedTask, TaskAssignment):
        response = api_client(users["xuanen_admin"]).post(reverse("supervised-task-list"),
                                                          _issue_body(tree, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert all(CJK.search(m) for m in response.json()[field])


def test_api_ids_outside_scope_are_not_found(tree, users):
    api = api_client(users["xuanen_admin"])
    with Unchanged(SupervisedTask, TaskAssignment):
        assert api.post(reverse("supervised-task-list"), _issue_body(tree, orgs=[tree["yunlong"].pk]),
                        format="json").status_code == 404
        assert api.post(reverse("supervised-task-list"), _issue_body(tree, issuer_org=tree["badong"].pk),
                        format="json").status_code == 404
        # inside the scope but not below the issuer: a validation error
        below = api.post(reverse("supervised-task-list"), _issue_body(tree, issuer_org=tree["wanzhai"].pk,
                                                                      orgs=[tree["xiaohe"].pk]), format="json")
        assert below.status_code == 400 and CJK.search(below.json()["orgs"][0])


def test_api_close_without_report_is_refused(tree, users):
    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"]])
    response = api_client(users["xuanen_admin"]).post(reverse("task-assignment-close",
                                                              args=[task.assignments.get().pk]))
    assert response.status_code == 400 and CJK.search(str(response.json()))


@pytest.mark.parametrize("name", ["supervised-task-list", "task-assignment-list"])
def test_api_lists_cost_a_fixed_number_of_queries(tree, users, name, django_assert_max_num_queries):
    grow(tree, users, 3)
    api = api_client(users["xuanen_admin"])
    with django_assert_max_num_queries(6):
        response = api.get(reverse(name))
    assert response.json()["count"] == (3 if name == "supervised-task-list" else 6)


def test_api_filters(tree, users):
    issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"]], deadline=TODAY)
    issue(users["xuanen_admin"], tree["xuanen"], [tree["xiaohe"]])
    api = api_client(users["xuanen_admin"])
    assert api.get(reverse("task-assignment-list"), {"light": "yellow"}).json()["count"] == 1
    assert api.get(reverse("supervised-task-list"), {"light": "green"}).json()["count"] == 1
    assert api.get(reverse("task-assignment-list"), {"light": "blue"}).status_code == 400
    assert api.get(reverse("task-assignment-list"), {"issued_year": 99999}).status_code == 400


# --- home card and to-dos ------------------------------------------------------------------------------------


def test_home_figures_equal_their_api_counts(tree, users):
    grow(tree, users, 2)
    task = SupervisedTask.objects.get(title="任务0")  # deadline today
    services.assignment_close(actor=users["xuanen_admin"], assignment=assignment_of(task, tree["wujiatai"]))
    for username in ("xuanen_admin", "wanzhai", "wujiatai", "zhou_admin"):
        user = users[username]
        api = api_client(user)
        cards = {card.key: data for card, data in workbench.cards(user)}
        figures = cards["supervision.tasks"].figures
        for figure in figures:
            assert api.get(figure.api).json()["count"] == figure.value, (username, figure.key)
        values = {f.key: f.value for f in figures}
        if username == "xuanen_admin":
            assert values == {"issued": 4, "closed_on_time": 1, "overdue": 0}


def test_todos_for_both_sides(tree, users, settings):
    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"], tree["xiaohe"]])
    labels = [t["label"] for t in workbench.user_todos(users["wujiatai"])]
    assert any(task.title in label for label in labels)
    services.assignment_report(actor=users["wujiatai"], assignment=assignment_of(task, tree["wujiatai"]),
                               content="完成")
    assert not any(task.title in t["label"] for t in workbench.user_todos(users["wujiatai"]))
    assert any(task.title in t["label"] and "伍家台" in t["label"]
               for t in workbench.user_todos(users["xuanen_admin"]))


def test_escalations_reach_the_todo_list_of_the_level_above(tree, users):
    import time_machine
    from django.utils import timezone

    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"]], deadline=TODAY)
    later = timezone.make_aware(datetime.datetime.combine(TODAY + datetime.timedelta(days=2), datetime.time(9)))
    with time_machine.travel(later, tick=False):
        services.escalate_overdue()
        todos = [t["label"] for t in workbench.user_todos(users["wanzhai"])]
    assert any(task.title in label for label in todos)
    assert Org.objects.get(pk=tree["wanzhai"].pk).level == Level.TOWNSHIP


def test_issue_list_is_bounded_to_the_issuers_subtree(client, tree, users):
    issue(users["badong_admin"], tree["badong"], [tree["yunlong"]], title="巴东的任务")
    village = make_org(tree["xiaohe"], "中共测试村支部委员会", "T-SUP-1", Level.VILLAGE, kind=Org.Kind.BRANCH)
    issue(users["xiaohe"], tree["xiaohe"], [village], title="晓关的任务")
    client.force_login(users["xuanen_admin"])
    text = client.get(reverse("supervision:issued")).content.decode()
    assert "晓关的任务" in text and "巴东的任务" not in text
