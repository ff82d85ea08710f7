"""What a county clerk tripped over: surname readings and relevance in searches, the member-record rules
(birth date and gender from the ID number, probation, age, removing a phone), dismissal (免职) and the
new-member page."""

import datetime
import importlib
import random

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from dangjian.conftest import make_org, make_person, person_data
from dangjian.core.models import AuditEntry
from dangjian.core.pinyin import org_core_name, org_name_keys, person_name_keys
from dangjian.demo import synthetic
from dangjian.orgs import services
from dangjian.orgs.idcard import id_facts
from dangjian.orgs.models import Level, Org, Person, Position
from dangjian.orgs.selectors import orgs as selectors
from dangjian.orgs.selectors import people as people_selectors
from dangjian.orgs.selectors import pickers

TODAY = timezone.localdate()


def zh(msgid):
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def login(user):
    client = Client()
    client.force_login(user)
    return client


def snapshot(person):
    person = Person.objects.get(pk=person.pk)
    return {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}


# --- pinyin: surname readings --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "full", "initials"), [
    ("曾国华", "zengguohua", "zgh"), ("覃明", "qinming", "qm"), ("单雄", "shanxiong", "sx"),
    ("仇英", "qiuying", "qy"), ("区华", "ouhua", "oh"), ("解放", "xiefang", "xf"), ("查明", "zhaming", "zm"),
    ("朴正", "piaozheng", "pz"), ("尉迟恭", "yuchigong", "ycg"), ("万俟雪", "moqixue", "mqx"),
    ("长孙明", "zhangsunming", "zsm"), ("乐平", "yueping", "yp"), ("缪英", "miaoying", "my"),
    ("翟云", "zhaiyun", "zy"), ("盖明", "geming", "gm"), ("华山", "huashan", "hs"), ("任飞", "renfei", "rf"),
    ("秘书", "bishu", "bs"), ("句芒", "goumang", "gm"), ("欧阳修", "ouyangxiu", "oyx"),
    ("张长江", "zhangchangjiang", "zcj"),
])
def test_person_names_read_the_surname_as_a_surname(name, full, initials):
    keys = person_name_keys(name)
    assert (keys.full, keys.initials) == (full, initials)


def test_compound_surnames_come_before_single_ones():
    assert person_name_keys("万俟雪").full.startswith("moqi")  # not 万 wan + 俟 qi
    assert person_name_keys("万明").full == "wanming"
    assert person_name_keys("单于明").full.startswith("chanyu")
    assert person_name_keys("单明").full.startswith("shan")


def test_other_readings_are_kept_as_alternative_keys():
    keys = person_name_keys("曾乐")
    assert keys.full == "zengle"  # 乐 reads le in a given name, yue as a surname
    assert " cengle " in keys.alt and " zengyue " in keys.alt and " cl " in keys.alt
    assert org_name_keys("中共伍家台村支部委员会").alt.startswith(" wujiataicun wjtc ")


@pytest.mark.parametrize(("name", "core"), [
    ("中共伍家台村支部委员会", "伍家台村"), ("中共万寨乡委员会", "万寨乡"), ("中共巴东县委", "巴东县委"),
    ("伍家台村第一党支部", "伍家台村第一"), ("中共某公司党委", "某公司"), ("某局机关党总支", "某局机关"),
    ("党支部", "党支部"),
])
def test_org_core_name(name, core):
    assert org_core_name(name) == core


def test_people_search_matches_any_reading(tree, users):
    zeng = make_person(tree["wujiatai"], name="曾乐")
    qin = make_person(tree["wujiatai"], name="覃明")
    user = users["xuanen_admin"]
    for text, person in [("zeng", zeng), ("ceng", zeng), ("zl", zeng), ("cl", zeng), ("zengyue", zeng),
                         ("zengle", zeng), ("qin", qin), ("tan", qin), ("qm", qin), ("tm", qin)]:
        assert person in people_selectors.person_choices(user, text), text
    assert qin not in people_selectors.person_choices(user, "zeng")


def test_org_search_ignores_the_prefix_and_suffix_for_full_pinyin(tree, users):
    visible = Org.objects.visible_to(users["zhou_admin"])
    assert tree["wujiatai"] in selectors.org_search(visible, "wujiatai")
    assert tree["wujiatai"] in selectors.org_search(visible, "wjtc")
    assert tree["wanzhai"] in selectors.org_search(visible, "wanzhaixiang")
    assert tree["wujiatai"] in pickers.search("visible", users["zhou_admin"], "wujiatai")
    assert tree["wujiatai"] not in selectors.org_search(visible, "jiatai")  # a prefix, not a substring


def test_org_search_orders_by_relevance_then_tree(tree, users):
    exact = make_org(tree["xiaohe"], "伍家台", "T-EXACT", Level.VILLAGE)
    second = make_org(tree["wujiatai"], "伍家台村第二党支部", "T-B2", Level.BRANCH, kind=Org.Kind.BRANCH)
    contains = make_org(tree["xiaohe"], "新伍家台", "T-NEW", Level.VILLAGE)
    visible = Org.objects.visible_to(users["zhou_admin"])
    by_path = lambda orgs: sorted(orgs, key=lambda o: o.path)  # noqa: E731
    expected = [exact, *by_path([tree["wujiatai_b1"], second]), *by_path([tree["wujiatai"], contains])]
    assert selectors.org_search(visible, "伍家台") == expected
    assert pickers.search("visible", users["zhou_admin"], "伍家台") == expected
    # Pinyin prefix matches all rank alike: tree order.
    ordered = selectors.org_search(visible, "wjt")
    assert ordered == by_path(ordered) and exact in ordered
    assert selectors.org_search(visible, "T-NEW")[0] == contains  # the exact code first


def test_people_search_orders_by_relevance_then_name(tree, users):
    contains = make_person(tree["wujiatai"], name="欧阳华明")
    prefix = make_person(tree["wujiatai"], name="华明山")
    exact = make_person(tree["wujiatai"], name="华明")
    found = people_selectors.person_choices(users["xuanen_admin"], "华明")
    assert found == [exact, prefix, contains]
    _, listed = people_selectors.filtered_people(users["xuanen_admin"], {"q": "华明"})
    assert list(listed) == [exact, prefix, contains]


def test_sorting_by_name_uses_the_surname_reading(tree, users):
    for name in ("曾明", "陈明", "张明", "单明"):  # zeng (not ceng), chen, zhang, shan (not dan)
        make_person(tree["wujiatai"], name=name)
    _, listed = people_selectors.filtered_people(users["xuanen_admin"], {"sort": "name"})
    assert [p.name for p in listed] == ["陈明", "单明", "曾明", "张明"]


def test_the_migration_recomputes_the_keys(tree):
    person = make_person(tree["wujiatai"], name="覃明")
    Person.objects.filter(pk=person.pk).update(pinyin="tanming", pinyin_initials="tm", pinyin_alt="")
    Org.objects.filter(pk=tree["wujiatai"].pk).update(pinyin_alt="")
    migration = importlib.import_module("dangjian.orgs.migrations.0004_people_pinyin_and_member_rules")
    migration.recompute_pinyin(global_apps, None)
    person.refresh_from_db()
    assert (person.pinyin, person.pinyin_initials) == ("qinming", "qm") and " tanming " in person.pinyin_alt
    assert " wujiataicun " in Org.objects.get(pk=tree["wujiatai"].pk).pinyin_alt


# --- member record: derived fields ---------------------------------------------------------------------------


def old_id_number(birth, male):
    """A 15-digit number of before 1999: region, YYMMDD, 3 digits (the last odd for a man)."""
    return f"422801{birth:%y%m%d}" + ("123" if male else "124")


def test_birth_date_and_gender_come_from_the_18_digit_number(tree, users):
    birth = datetime.date(1975, 6, 9)
    data = person_data(random.Random(5), birth_date=birth, male=False)
    data.pop("birth_date"), data.pop("gender")
    person = services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data)
    assert (person.birth_date, person.gender) == (birth, "F")


def test_an_old_15_digit_number_carries_them_too(tree, users):
    birth = datetime.date(1962, 3, 14)
    data = person_data(random.Random(6), id_number=old_id_number(birth, True))
    data.pop("birth_date"), data.pop("gender")
    person = services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data)
    assert (person.birth_date, person.gender) == (birth, "M")
    assert id_facts("422801620314124") == (datetime.date(1962, 3, 14), "F")
    assert id_facts("422801620332123") is None  # 32 March: not a date
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"],
                               **{**data, "id_number": "422801620332123"})
    assert set(refused.value.message_dict) == {"id_number"}  # no "birth date required" noise


def test_a_contradicting_birth_date_is_refused(tree, users):
    data = person_data(random.Random(7))
    data["birth_date"] = data["birth_date"] + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data)
    assert "birth_date" in refused.value.message_dict
    assert not Person.objects.exists()


def test_the_form_does_not_ask_for_them(tree, users):
    client = login(users["wanzhai"])
    html = client.get(reverse("orgs:person_create") + f"?org={tree['wujiatai'].pk}").content.decode()
    assert 'name="birth_date"' not in html and 'name="gender"' not in html and 'name="id_number"' in html
    person = make_person(tree["wujiatai"])
    html = client.get(reverse("orgs:person_update", args=[person.pk])).content.decode()
    assert 'name="birth_date"' not in html and 'data-testid="derived"' in html


def test_a_record_without_id_number_has_them_typed(tree, users):
    """"Has no date" = no ID number recorded (an old record imported without one): then they are typed."""
    person = make_person(tree["wujiatai"], id_number="")
    client = login(users["wanzhai"])
    address = reverse("orgs:person_update", args=[person.pk])
    assert 'name="birth_date"' in client.get(address).content.decode()
    data = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    data.update(birth_date="1970-01-02", gender="F", phone="", id_number="")
    data = {k: v.isoformat() if isinstance(v, datetime.date) else ("" if v is None else v) for k, v in data.items()}
    assert client.post(address, data).status_code == 302
    person.refresh_from_db()
    assert (person.birth_date, person.gender) == (datetime.date(1970, 1, 2), "F")


# --- member record: probation, age ---------------------------------------------------------------------------


def test_full_membership_no_earlier_than_one_year_after_joining(tree, users):
    joined = datetime.date(2015, 7, 1)
    data = person_data(random.Random(8), joined_on=joined, full_member_on=datetime.date(2016, 6, 30))
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data)
    assert "2016-07-01" in refused.value.message_dict["full_member_on"][0]
    assert not Person.objects.exists()
    data["full_member_on"] = datetime.date(2016, 7, 1)
    assert services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data).pk


@pytest.mark.parametrize(("months", "too_early", "earliest"), [
    (6, datetime.date(2016, 12, 31), datetime.date(2017, 1, 1)),
    (12, datetime.date(2017, 6, 30), datetime.date(2017, 7, 1)),
])
def test_an_extended_probation_moves_the_earliest_date(tree, users, months, too_early, earliest):
    joined = datetime.date(2015, 7, 1)
    data = person_data(random.Random(9), joined_on=joined, full_member_on=too_early,
                       probation_extended_months=months)
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data)
    assert earliest.isoformat() in refused.value.message_dict["full_member_on"][0]
    data["full_member_on"] = earliest
    assert services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data).pk
    with pytest.raises(ValidationError):  # only 0, 6 or 12
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"],
                               **person_data(random.Random(10), probation_extended_months=3))


def test_a_current_member_over_120_is_refused(tree, users):
    birth = TODAY.replace(year=TODAY.year - 121) - datetime.timedelta(days=3)
    data = person_data(random.Random(11), birth_date=birth, joined_on=birth.replace(year=birth.year + 30),
                       full_member_on=birth.replace(year=birth.year + 31))
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"], **data)
    # The birth date came from the ID number, so the message is shown there (the form has no birth date).
    assert "120" in refused.value.message_dict["id_number"][0]
    assert services.person_create(actor=users["xuanen_admin"], org=tree["wujiatai"],
                                  **{**data, "status": "deceased"}).pk
    young = TODAY.replace(year=TODAY.year - 119)
    assert services.person_create(
        actor=users["xuanen_admin"], org=tree["wujiatai"],
        **person_data(random.Random(12), birth_date=young, joined_on=young.replace(year=young.year + 30),
                      full_member_on=young.replace(year=young.year + 31))).pk


# --- member record: removing the phone (one rule, in the service) ----------------------------------------


def test_the_service_keeps_empty_or_masked_numbers_and_removes_the_phone_only_when_asked(tree, users):
    person = make_person(tree["wujiatai"])
    admin = users["xuanen_admin"]
    masked = Person._meta.get_field("phone").masked(person.phone)
    services.person_update(actor=admin, person=person, phone="", id_number="")
    services.person_update(actor=admin, person=person, phone=masked)
    assert snapshot(person)["phone"] == person.phone
    before = snapshot(person)
    with pytest.raises(ValidationError) as refused:
        services.person_update(actor=admin, person=person, phone="13912345678", clear_phone=True)
    assert zh("Either enter a new phone number or remove it, not both.") in refused.value.message_dict["phone"]
    assert snapshot(person) == before
    services.person_update(actor=admin, person=person, clear_phone=True)
    assert snapshot(person)["phone"] == "" and snapshot(person)["phone_index"] == ""


def test_the_edit_page_has_a_remove_phone_checkbox(tree, users):
    person = make_person(tree["wujiatai"])
    client = login(users["wanzhai"])
    address = reverse("orgs:person_update", args=[person.pk])
    assert 'name="clear_phone"' in client.get(address).content.decode()
    data = {f: getattr(person, f) for f in services.PERSON_FIELDS if f not in services.DERIVED_FIELDS}
    data = {k: v.isoformat() if isinstance(v, datetime.date) else ("" if v is None else v) for k, v in data.items()}
    data.update(id_number="", phone="")
    assert client.post(address, data).status_code == 302
    assert Person.objects.get(pk=person.pk).phone == person.phone  # empty keeps
    assert client.post(address, {**data, "clear_phone": "on"}).status_code == 302
    assert Person.objects.get(pk=person.pk).phone == ""
    assert 'name="clear_phone"' not in client.get(address).content.decode()  # nothing left to remove


def test_the_api_removes_the_phone_with_clear_phone(tree, users):
    person = make_person(tree["wujiatai"])
    api = APIClient()
    api.force_authenticate(users["xuanen_admin"])
    address = f"/api/v1/people/{person.pk}/"
    assert api.patch(address, {"phone": ""}, format="json").status_code == 200
    assert Person.objects.get(pk=person.pk).phone == person.phone
    response = api.patch(address, {"phone": "13912345678", "clear_phone": True}, format="json")
    assert response.status_code == 400 and "phone" in response.json()
    response = api.patch(address, {"clear_phone": True}, format="json")
    assert response.status_code == 200 and response.json()["phone"] == ""
    assert Person.objects.get(pk=person.pk).phone == ""
    # Birth date and gender are optional on create (read from the ID number); a contradicting one is refused.
    data = person_data(random.Random(13))
    data = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in data.items()}
    wrong_gender = {**data, "gender": "F" if data["gender"] == "M" else "M", "org": tree["wujiatai"].pk}
    assert api.post("/api/v1/people/", wrong_gender, format="json").status_code == 400
    derived = {k: v for k, v in data.items() if k not in ("birth_date", "gender")}
    response = api.post("/api/v1/people/", {**derived, "org": tree["wujiatai"].pk}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["birth_date"], response.json()["gender"]) == (data["birth_date"], data["gender"])


# --- dismissal (免职) --------------------------------------------------------------------------------------------


@pytest.fixture
def secretary(tree, users):
    person = make_person(tree["wujiatai"], name="向书记")
    position = services.position_appoint(actor=users["xuanen_admin"], person=person, org=tree["wujiatai"],
                                         title="secretary", start_date=TODAY - datetime.timedelta(days=100))
    return position


def test_dismissal_records_date_and_reason(secretary, users):
    services.position_end(actor=users["xuanen_admin"], position=secretary, end_date=TODAY, reason="换届离任")
    secretary.refresh_from_db()
    assert (secretary.end_date, secretary.end_reason) == (TODAY, "换届离任")
    entry = AuditEntry.objects.filter(action="position.end").latest("seq")
    assert entry.after["end_reason"] == "换届离任"


def test_a_secretary_cannot_dismiss_themself(secretary, users):
    user = users["wujiatai"]
    user.person = secretary.person
    user.save()
    with pytest.raises(ValidationError) as refused:
        services.position_end(actor=user, position=secretary, end_date=TODAY)
    assert zh("You cannot dismiss yourself from your own post; the organization above records it.") in \
        refused.value.messages
    assert Position.objects.get(pk=secretary.pk).end_date is None
    # The page says so too, and its row menu offers no dismissal for one's own post.
    client = login(user)
    address = reverse("orgs:position_end", args=[secretary.pk])
    response = client.post(address, {"end_date": TODAY.isoformat()})
    assert response.status_code == 200
    assert zh("You cannot dismiss yourself from your own post; the organization above records it.") in \
        response.content.decode()
    html = client.get(reverse("orgs:person_detail", args=[secretary.person_id])).content.decode()
    assert address not in html
    # Someone else in the organization may.
    response = login(users["xuanen_admin"]).post(address, {"end_date": TODAY.isoformat(), "reason": "调离"})
    assert response.status_code == 302


def test_rows_offer_a_menu_instead_of_a_date_box(secretary, users, tree):
    client = login(users["xuanen_admin"])
    for page in (reverse("orgs:person_detail", args=[secretary.person_id]),
                 reverse("orgs:detail", args=[tree["wujiatai"].pk])):
        html = client.get(page).content.decode()
        assert 'type="date"' not in html and 'data-bs-toggle="dropdown"' in html
        assert reverse("orgs:position_end", args=[secretary.pk]) in html


def test_the_api_ends_a_post_with_a_reason(secretary, users):
    api = APIClient()
    api.force_authenticate(users["xuanen_admin"])
    response = api.post(f"/api/v1/positions/{secretary.pk}/end/", {"end_date": TODAY.isoformat(),
                                                                   "reason": "退休"}, format="json")
    assert response.status_code == 200 and response.json()["end_reason"] == "退休"


# --- new member: the user's own organizations ---------------------------------------------------------------


def test_new_member_lists_a_secretarys_few_organizations(tree, users, django_assert_max_num_queries):
    client = login(users["wujiatai"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("orgs:person_create")).content.decode()
    assert 'data-testid="own-orgs"' in html
    assert f"?org={tree['wujiatai'].pk}" in html and f"?org={tree['wujiatai_b1'].pk}" in html
    assert f"?org={tree['yunlong'].pk}" not in html
    assert people_selectors.new_member_orgs(users["leader"]) is None  # may not add members: no list


def test_new_member_offers_search_above_twenty(tree, users):
    for i in range(20):
        make_org(tree["wujiatai"], f"测试支部{i}", f"T-NM-{i}", Level.BRANCH, kind=Org.Kind.BRANCH)
    html = login(users["wujiatai"]).get(reverse("orgs:person_create")).content.decode()
    assert 'data-testid="own-orgs"' not in html and 'id="org-picker-q"' in html


def test_synthetic_people_follow_the_rules():
    rng = random.Random(3)
    birth = datetime.date(1980, 5, 6)
    number = synthetic.id_number(birth, True, rng=rng)
    assert id_facts(number) == (birth, "M")
