"""What a county clerk tripped over, each shown once: drop-downs start with 请选择, length errors read
"不能超过 50 个字", the UI says 您, one date format everywhere, one filter bar on every list, menu labels equal
page titles, a village shows its township, and demo names suit the gender recorded."""

import datetime
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import formats, translation
from rest_framework import serializers

from dangjian.accounts.forms import UserCreateForm
from dangjian.accounts.models import User
from dangjian.conftest import make_org, person_data
from dangjian.core.forms import StyledFormMixin
from dangjian.demo import synthetic
from dangjian.orgs import services
from dangjian.orgs.filters import OrgFilter
from dangjian.orgs.forms.orgs import OrgForm
from dangjian.orgs.models import Level, Org, Person

ROOT = Path(__file__).resolve().parents[2]
OPTION_PLEASE_SELECT = re.compile(r'<option value=""( selected)?>请选择</option>')


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- 请选择 -----------------------------------------------------------------------------------------------


def test_model_form_drop_downs_start_with_please_select(db, zh):
    form = OrgForm()  # no parent: the level keeps its blank choice, like the category
    html = str(form["level"]) + str(form["kind"])
    assert len(OPTION_PLEASE_SELECT.findall(html)) == 2
    assert "---------" not in str(form)


def test_choice_and_model_choice_fields_start_with_please_select(users, zh):
    form = UserCreateForm(actor=users["sysadmin"])  # the role choices are set after __init__
    assert OPTION_PLEASE_SELECT.search(str(form["role"]))  # the organization is searched (orgs:org_picker)
    assert "---------" not in str(form["role"]) + str(form["org"])


def test_a_blank_choice_with_its_own_label_keeps_it(zh):
    class Form(StyledFormMixin, forms.Form):
        choice = forms.ChoiceField(choices=[("", "不限"), ("a", "甲")])

    assert '<option value="" selected>不限</option>' in str(Form()["choice"])


def test_pages_never_show_dashes(as_user, users, tree):
    for user, path in [(users["xuanen_admin"], reverse("orgs:create") + f"?parent={tree['wanzhai'].pk}"),
                       (users["xuanen_admin"], reverse("orgs:person_create") + f"?org={tree['wanzhai'].pk}"),
                       (users["sysadmin"], reverse("accounts:user_create"))]:
        html = html_of(as_user(user).get(path))
        assert "---------" not in html and "请选择" in html, path


def test_filter_forms_keep_all(db, zh):
    html = str(OrgFilter(data={}, queryset=Org.objects.none()).form["kind"])
    assert '<option value="" selected>全部</option>' in html and "请选择" not in html


# --- length messages ----------------------------------------------------------------------------------------


def test_too_long_text_on_a_form_reads_naturally(zh):
    class Form(StyledFormMixin, forms.Form):
        name = forms.CharField(max_length=50)
        code = forms.CharField(min_length=4)

    form = Form(data={"name": "长" * 60, "code": "ab"})
    assert not form.is_valid()
    assert form.errors["name"] == ["不能超过 50 个字（现有 60 个字）。"]
    assert form.errors["code"] == ["不能少于 4 个字（现有 2 个字）。"]


def test_too_long_name_on_the_page_and_in_the_service(as_user, users, tree):
    path = reverse("orgs:update", args=[tree["wujiatai"].pk])
    response = as_user(users["xuanen_admin"]).post(path, {
        "name": "长" * 101, "code": tree["wujiatai"].code, "level": Level.VILLAGE, "kind": "branch",
        "sector": "rural"})
    html = html_of(response)
    assert "不能超过 100 个字" in html and "确保" not in html
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.person_create(actor=users["xuanen_admin"], org=tree["wanzhai"],
                               **{**person_data(), "name": "长" * 60})
    assert "不能超过 50 个字（现有 60 个字）。" in refused.value.message_dict["name"]


def test_api_length_messages_read_naturally(zh):
    with pytest.raises(serializers.ValidationError) as refused:
        serializers.CharField(max_length=50).run_validation("长" * 60)
    assert refused.value.detail == ["不能超过 50 个字。"]
    with pytest.raises(serializers.ValidationError) as refused:
        serializers.CharField(min_length=4).run_validation("ab")
    assert refused.value.detail == ["不能少于 4 个字。"]


def test_english_keeps_djangos_wording():
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            MaxLengthValidator(50)("x" * 60)
        assert refused.value.messages == ["Ensure this value has at most 50 characters (it has 60)."]


# --- 您 ----------------------------------------------------------------------------------------------------


# The 介绍信 keeps the wording of the official form, which addresses the receiving organization as 你处.
FORMAL_DOCUMENTS = {"orgs/templates/orgs/transfer_letter.html"}


def test_the_ui_says_nin_never_ni():
    files = [*ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"), *ROOT.glob("**/templates/**/*.html")]
    assert len(files) > 10
    offending = [str(f.relative_to(ROOT)) for f in files
                 if "你" in f.read_text(encoding="utf-8") and str(f.relative_to(ROOT)) not in FORMAL_DOCUMENTS]
    assert not offending, f"你 instead of 您 in {offending}"


# --- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_one_date_format_in_every_language(language):
    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 12, 1)) == "2026-12-01"
        assert formats.date_format(datetime.date(2026, 12, 1), "SHORT_DATE_FORMAT") == "2026-12-01"
        assert formats.date_format(datetime.datetime(2026, 12, 1, 13, 15), "DATETIME_FORMAT") == "2026-12-01 13:15"
        assert formats.date_format(datetime.datetime(2026, 12, 1, 13, 15),
                                   "SHORT_DATETIME_FORMAT") == "2026-12-01 13:15"


def test_a_page_with_a_date_shows_2026_12_01(as_user, users, tree):
    make_org(tree["wanzhai"], "日期测试村党支部", "date-test", Level.VILLAGE, kind=Org.Kind.BRANCH,
             term_start=datetime.date(2021, 12, 1), term_end=datetime.date(2026, 12, 1))
    html = html_of(as_user(users["xuanen_admin"]).get(reverse("orgs:list") + "?q=日期测试"))
    assert "日期测试村党支部" in html and "2026-12-01" in html and "2026年" not in html


def test_a_page_with_a_time_shows_2026_12_01_13_15(as_user, users):
    user = users["wujiatai"]
    at = datetime.datetime(2026, 12, 1, 13, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    User.objects.filter(pk=user.pk).update(password_changed_at=at)
    html = html_of(as_user(user).get(reverse("accounts:profile")))
    assert "2026-12-01 13:15" in html and "2026年" not in html


# --- the filter bar ------------------------------------------------------------------------------------------

MORE_OPEN = re.compile(r'<details class="filter-more[^"]*" open>')
MORE_CLOSED = re.compile(r'<details class="filter-more[^"]*">')

LISTS = [  # (user, list url name, a visible filter, a filter under 更多筛选)
    ("xuanen_admin", "orgs:list", "level=5", "kind=branch"),
    ("xuanen_admin", "orgs:person_list", "category=full", "education=bachelor"),
    ("auditor", "accounts:audit_list", "actor=xuanen", "ip=10.0.0.1"),
]


@pytest.mark.parametrize(("user", "name", "visible", "hidden"), LISTS, ids=[row[1] for row in LISTS])
def test_more_filters_open_by_themselves_when_one_is_in_use(as_user, users, user, name, visible, hidden):
    client = as_user(users[user])
    for query, opened in [("", False), (visible, False), (hidden, True), (f"{visible}&{hidden}", True)]:
        html = html_of(client.get(f"{reverse(name)}?{query}"))
        assert bool(MORE_OPEN.search(html)) is opened, query
        assert bool(MORE_CLOSED.search(html)) is not opened, query


@pytest.mark.parametrize(("user", "name"), [("xuanen_admin", "orgs:list"), ("xuanen_admin", "orgs:person_list"),
                                            ("sysadmin", "accounts:user_list"), ("auditor", "accounts:audit_list")])
def test_every_list_has_the_same_filter_bar(as_user, users, user, name):
    html = html_of(as_user(users[user]).get(reverse(name) + "?sort=name"))
    bar = html.split('class="filter-bar"')[1].split("</form>")[0]
    outside_datalists = re.sub(r"<datalist.*?</datalist>", "", html, flags=re.S)  # action labels may say 重置
    assert "清除筛选" in bar and "重置" not in outside_datalists and ">清除<" not in bar
    assert f'href="{reverse(name)}"' in bar
    if name.startswith("orgs:"):  # the sortable lists carry the sort through a new search
        assert '<input type="hidden" name="sort" value="name">' in bar


def test_the_filter_bar_keeps_the_chosen_parent(as_user, users, tree):
    html = html_of(as_user(users["xuanen_admin"]).get(reverse("orgs:list") + f"?parent={tree['wanzhai'].pk}"))
    assert f'<input type="hidden" name="parent" value="{tree["wanzhai"].pk}">' in html
    assert not MORE_OPEN.search(html)  # the parent is no hidden filter: it has its own badge


# --- menu labels and page titles -----------------------------------------------------------------------------

TITLE = re.compile(r"<title>(.*?) · ")
PAGE_TITLE = re.compile(r'<h2 class="page-title">(.*?)</h2>', re.S)


@pytest.mark.parametrize("user", ["xuanen_admin", "wujiatai", "sysadmin", "secadmin", "auditor", "member"])
def test_menu_label_equals_page_title(as_user, users, user):
    client = as_user(users[user])
    entries = [item for group in client.get(reverse("home")).context["nav_groups"] for item in group["items"]]
    checked = 0
    for entry in entries:
        if entry["url"] == reverse("api-docs"):
            continue  # Swagger UI's own page, not one of ours
        response = client.get(entry["url"])
        html = html_of(response)
        label = str(entry["label"])
        active = [i for g in response.context["nav_groups"] for i in g["items"] if i["active"]]
        assert [str(i["label"]) for i in active] == [label]
        assert TITLE.search(html).group(1) == label
        if entry["url"] != reverse("home"):  # the home page's heading is the user's organization
            assert PAGE_TITLE.search(html).group(1).strip() == label
        checked += 1
    assert checked >= 1


# --- a village shows its township ----------------------------------------------------------------------------


def test_a_village_secretary_sees_the_township_in_front(as_user, users, tree):
    html = html_of(as_user(users["wujiatai"]).get(reverse("home")))
    assert PAGE_TITLE.search(html).group(1).strip() == "万寨乡 · 伍家台村支部委员会"
    assert "万寨乡 · 伍家台村支部委员会 · " in html  # the account area: organization · role


def test_which_names_get_their_parent(tree):
    assert tree["wanzhai"].display_name == "中共万寨乡委员会"  # a township is known by itself
    assert tree["wujiatai"].display_name == "万寨乡 · 伍家台村支部委员会"
    assert tree["wujiatai_b1"].display_name == "伍家台村支部 · 伍家台村第一党支部"
    organ = make_org(tree["wanzhai"], "万寨乡机关党支部", "wz-organ", Level.BRANCH, kind=Org.Kind.BRANCH)
    assert organ.display_name == "万寨乡机关党支部"  # already says where it is


# --- demo names suit the gender ------------------------------------------------------------------------------


def given_name_suits(name, gender):
    return set(name[1:]) <= set(synthetic.MALE_GIVEN if gender == "M" else synthetic.FEMALE_GIVEN)


def test_synthetic_names_suit_the_gender():
    import random

    rng = random.Random(1)
    for male in (True, False):
        for _ in range(300):
            name = synthetic.name(rng, male=male)
            assert name[0] in synthetic.SURNAMES and given_name_suits(name, "M" if male else "F"), name
    only_female = set(synthetic.FEMALE_GIVEN) - set(synthetic.MALE_GIVEN)
    assert {"秀", "英", "梅", "娟"} <= only_female and not {"军", "强", "刚"} & set(synthetic.FEMALE_GIVEN)


@pytest.mark.django_db
def test_demo_people_names_suit_the_gender_recorded():
    call_command("demo", "--scale", "small", stdout=io.StringIO())
    people = list(Person.objects.values_list("name", "gender"))
    assert len(people) > 100
    assert {gender for _, gender in people} == {"M", "F"}
    wrong = [(name, gender) for name, gender in people if not given_name_suits(name, gender)]
    assert not wrong, wrong[:10]


def test_password_rules_say_nin(client, users):
    """Django's own Chinese for the password rules says 你; the project catalogue words them with 您."""
    from django.contrib.auth import password_validation

    with translation.override("zh-hans"):
        texts = [str(text) for text in password_validation.password_validators_help_texts()]
    assert texts and not any("你" in text for text in texts)
    assert any("您的密码至少要有 8 个字符" in text for text in texts)
