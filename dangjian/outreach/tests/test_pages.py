"""Pages of 三进三帮: the summary's numbers equal the counts of the lists they link to, the phone form, the case
form (with the existing beneficiary offered), the sensitive-details label, and fixed query counts."""

import datetime
import re

import pytest
from django.urls import reverse

from dangjian.core.testing import assert_summary_matches_facts
from dangjian.outreach import services
from dangjian.outreach.models import Beneficiary, HelpCase, Visit

from .conftest import id_number

pytestmark = pytest.mark.django_db
D = datetime.date


def solved(make_case, users, beneficiary, day):
    case = make_case(beneficiary, opened_on=day)
    return services.case_resolve(actor=users["wanzhai"], case=case, resolution="已解决", resolved_on=day)


def figure(html, key):
    match = re.search(rf'href="([^"]+)" data-figure="{key}">.*?<div class="h1 mb-0">([^<]+)</div>', html, re.S)
    return match.group(1).replace("&amp;", "&"), match.group(2).strip()


def test_every_summary_figure_opens_the_list_that_counts_it(client, tree, users, make_beneficiary, make_case):
    household = make_beneficiary(kind="household", name="张家", household_size=5)
    solved(make_case, users, household, D(2012, 3, 1))
    solved(make_case, users, household, D(2012, 4, 1))
    solved(make_case, users, make_beneficiary(name="李四"), D(2012, 5, 1))
    make_case(make_beneficiary(kind="enterprise", name="茶厂"), kind="business", opened_on=D(2012, 5, 1))
    client.force_login(users["xuanen_admin"])
    html = client.get(reverse("outreach:summary"), {"from": "2012-01-01", "to": "2012-12-31"}).content.decode()
    url, value = figure(html, "people_helped")
    assert value == "6"
    assert f'data-people="{value}"' in client.get(url).content.decode()
    url, value = figure(html, "problems_solved")
    assert value == "3" and f'data-total="{value}"' in client.get(url).content.decode()
    url, value = figure(html, "cases_open")
    assert value == "1" and f'data-total="{value}"' in client.get(url).content.decode()
    assert "中共万寨乡委员会" in html  # the breakdown by child organization


def test_phone_visit_form_has_six_fields_prefilled(client, tree, users):
    client.force_login(users["wanzhai"])
    html = client.get(reverse("outreach:visit_create")).content.decode()
    form = html[html.index("<form method=\"post\" enctype"):]
    form = form[:form.index("</form>")]
    names = set(re.findall(r'name="([a-z_]+)"', form)) - {"csrfmiddlewaretoken", "q"}  # q: the picker's search box
    assert names == {"kind", "org", "visited_on", "whom", "findings", "photo"}
    assert datetime.date.today().isoformat() in html and "中共万寨乡委员会" in html
    response = client.post(reverse("outreach:visit_create"), {
        "kind": "village", "org": tree["wujiatai"].pk, "visited_on": datetime.date.today(), "whom": "田家",
        "findings": "房屋漏雨"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.org == tree["wujiatai"]


def test_a_wrong_photo_type_changes_nothing(client, tree, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["wanzhai"])
    response = client.post(reverse("outreach:visit_create"), {
        "kind": "village", "org": tree["wujiatai"].pk, "visited_on": datetime.date.today(), "whom": "田家",
        "findings": "x", "photo": SimpleUploadedFile("a.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")})
    assert response.status_code == 200 and Visit.objects.count() == 0


def test_case_from_a_visit_with_a_new_beneficiary(client, tree, users):
    visit = services.visit_create(actor=users["wanzhai"], org=tree["wujiatai"], kind="village", whom="田大姐",
                                  findings="缺水")
    client.force_login(users["wanzhai"])
    url = reverse("outreach:case_create") + f"?visit={visit.pk}"
    assert "田大姐" in client.get(url).content.decode()
    response = client.post(url, {"kind": "hardship", "problem": "缺水", "beneficiary": "", "new-kind": "household",
                                 "new-name": "田大姐", "new-household_size": 3, "new-id_number": id_number(7)})
    case = HelpCase.objects.get()
    assert response.status_code == 302 and case.visit == visit and case.beneficiary.people == 3


def test_case_form_offers_the_existing_beneficiary_for_a_known_id_number(client, tree, users, make_beneficiary):
    existing = make_beneficiary(id_number=id_number(8), name="覃大爷")
    client.force_login(users["wanzhai"])
    response = client.post(reverse("outreach:case_create") + f"?org={tree['wujiatai'].pk}", {
        "kind": "hardship", "problem": "缺水", "beneficiary": "", "new-kind": "person", "new-name": "覃某",
        "new-household_size": 1, "new-id_number": id_number(8)})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="existing-beneficiary"' in html
    assert f"?beneficiary={existing.pk}" in html
    assert Beneficiary.objects.count() == 1 and HelpCase.objects.count() == 0


def test_sensitive_details_are_hidden_without_clearance(client, tree, users, make_beneficiary):
    b = make_beneficiary(sensitivity="finances", sensitive_details="欠债三万元", id_number=id_number(9))
    client.force_login(users["leader"])
    html = client.get(reverse("outreach:beneficiary_detail", args=[b.pk])).content.decode()
    assert "欠债三万元" not in html and id_number(9) not in html
    client.force_login(users["wanzhai"])
    assert "欠债三万元" in client.get(reverse("outreach:beneficiary_detail", args=[b.pk])).content.decode()


def test_case_steps_refuse_with_a_message_and_change_nothing(client, tree, users, make_case):
    case = make_case()
    client.force_login(users["wanzhai"])
    response = client.post(reverse("outreach:case_resolve", args=[case.pk]), {"resolve-resolution": "",
                                                                              "resolve-resolved_on": D.today()},
                           follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    case.refresh_from_db()
    assert case.status == "open" and response.status_code == 200
    client.post(reverse("outreach:case_resolve", args=[case.pk]), {"resolve-resolution": "修好了",
                                                                   "resolve-resolved_on": D.today()})
    case.refresh_from_db()
    assert case.status == "resolved"
    assert_summary_matches_facts()


@pytest.mark.parametrize(("name", "most"), [("outreach:visit_list", 10), ("outreach:beneficiary_list", 12),
                                           ("outreach:case_list", 10), ("outreach:summary", 28)])
def test_pages_have_a_fixed_query_count(name, most, client, tree, users, make_beneficiary, make_case,
                                        django_assert_max_num_queries):
    for i in range(6):  # the counts do not grow with the rows (the summary: one query per metric for all)
        b = make_beneficiary(name=f"对象{i}")
        services.visit_create(actor=users["wanzhai"], org=tree["wujiatai"], kind="village", whom=b.name,
                              findings="x")
        solved(make_case, users, b, D(2012, 3, 1))
    client.force_login(users["xuanen_admin"])
    with django_assert_max_num_queries(most):
        assert client.get(reverse(name), {"org": tree["wanzhai"].pk}).status_code == 200


def test_beneficiary_pages_are_not_stored_by_browsers(client, users, make_beneficiary):
    b = make_beneficiary()
    client.force_login(users["xuanen_admin"])
    for url in (reverse("outreach:beneficiary_detail", args=[b.pk]), f"/api/v1/beneficiaries/{b.pk}/"):
        assert "no-store" in client.get(url)["Cache-Control"]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100


def test_a_photo_is_kept_and_one_over_the_size_limit_changes_nothing(client, tree, users, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.core.models import Attachment

    client.force_login(users["wanzhai"])
    data = {"kind": "village", "org": tree["wujiatai"].pk, "visited_on": datetime.date.today(), "whom": "田家",
            "findings": "x"}
    response = client.post(reverse("outreach:visit_create"),
                           {**data, "photo": SimpleUploadedFile("p.png", PNG, "image/png")})
    assert response.status_code == 302 and Attachment.objects.count() == 1
    settings.ATTACHMENT_MAX_SIZE = 50
    response = client.post(reverse("outreach:visit_create"),
                           {**data, "photo": SimpleUploadedFile("big.png", PNG, "image/png")})
    assert response.status_code == 200 and Visit.objects.count() == 1 and Attachment.objects.count() == 1


def test_a_member_records_their_own_visit_and_sees_only_theirs(client, tree, users):
    from dangjian.conftest import make_person, make_user
    from dangjian.core.permissions import Role

    person = make_person(tree["wujiatai"], name="党员甲")
    member = make_user(tree["wujiatai"], Role.MEMBER, "member_visitor", person=person)
    services.visit_create(actor=users["wanzhai"], org=tree["wujiatai"], kind="village", whom="别人的走访",
                          findings="x")
    client.force_login(member)
    html = client.get(reverse("outreach:visit_create")).content.decode()
    assert "中共伍家台村支部委员会" in html
    response = client.post(reverse("outreach:visit_create"), {
        "kind": "community", "org": tree["wujiatai"].pk, "visited_on": datetime.date.today(), "whom": "张奶奶",
        "findings": "独居"})
    assert response.status_code == 302
    listed = client.get(reverse("outreach:visit_list")).content.decode()
    assert "张奶奶" in listed and "别人的走访" not in listed
    assert Visit.objects.get(whom="张奶奶").visitor == person
    assert client.get(reverse("outreach:case_list")).status_code == 403


def test_assign_helpers_from_the_case_page(client, tree, users, make_case):
    from dangjian.conftest import make_person

    helper = make_person(tree["wujiatai"], name="帮扶人甲")
    outsider = make_person(tree["yunlong"], name="外县党员")
    case = make_case()
    client.force_login(users["wanzhai"])
    assert "帮扶人甲" in client.get(reverse("outreach:case_detail", args=[case.pk])).content.decode()
    client.post(reverse("outreach:case_assign", args=[case.pk]), {"assign-helpers": [helper.pk]})
    assert list(case.helpers.all()) == [helper]
    client.post(reverse("outreach:case_assign", args=[case.pk]), {"assign-helpers": [outsider.pk]})
    assert list(case.helpers.all()) == [helper]  # not offered, refused by the form
