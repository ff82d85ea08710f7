"""Fixtures shared by every app's tests: a small real tree built through the services, users per role,
and valid people. Apps add their own fixtures next to their tests."""

import datetime
import itertools
import random

import pytest

from dangjian.core.permissions import Role
from dangjian.demo import synthetic
from dangjian.orgs import services
from dangjian.orgs.models import Level, Org

PASSWORD = "Enshi@2012"
_CACHE_IDS = itertools.count()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without a collectstatic run; finders serve the files.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # Background jobs run inside the request that starts them (core.jobs).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_DIR = tmp_path_factory.getbasetemp() / "jobs"
    # A fresh cache per test (throttles and login counters live there): nothing carries over between tests,
    # whatever their order or process. The shared database cache itself is tested in accounts.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"test-{next(_CACHE_IDS)}"}}


def make_org(parent, name, code, level, kind=Org.Kind.COMMITTEE, **extra):
    return services.org_create(actor=None, parent=parent, name=name, code=code, level=level, kind=kind, **extra)


@pytest.fixture
def tree(db):
    """州 → 巴东县 / 宣恩县 → 信陵镇 / 万寨乡 → 村 → 支部: two counties, so 'another county' exists."""
    t = {}
    t["zhou"] = make_org(None, "中共恩施州委", "4228", Level.PREFECTURE, sector=Org.Sector.LEADERSHIP)
    t["badong"] = make_org(t["zhou"], "中共巴东县委", "422823", Level.COUNTY, sector=Org.Sector.LEADERSHIP)
    t["xuanen"] = make_org(t["zhou"], "中共宣恩县委", "422825", Level.COUNTY, sector=Org.Sector.LEADERSHIP)
    t["xinling"] = make_org(t["badong"], "中共信陵镇委员会", "422823100", Level.TOWNSHIP,
                            sector=Org.Sector.LEADERSHIP)
    t["wanzhai"] = make_org(t["xuanen"], "中共万寨乡委员会", "422825203", Level.TOWNSHIP,
                            sector=Org.Sector.LEADERSHIP)
    t["xiaohe"] = make_org(t["xuanen"], "中共晓关侗族乡委员会", "422825204", Level.TOWNSHIP,
                           sector=Org.Sector.LEADERSHIP)
    t["wujiatai"] = make_org(t["wanzhai"], "中共伍家台村支部委员会", "422825203201", Level.VILLAGE,
                             kind=Org.Kind.BRANCH)
    t["yunlong"] = make_org(t["xinling"], "中共云龙河村支部委员会", "422823100201", Level.VILLAGE,
                            kind=Org.Kind.BRANCH)
    t["wujiatai_b1"] = make_org(t["wujiatai"], "伍家台村第一党支部", "422825203201-1", Level.BRANCH,
                                kind=Org.Kind.BRANCH)
    return t


def make_user(org, role, username=None, name="测试用户", person=None, must_change_password=False):
    """An account created through the service, as the system (the installation step) creates one."""
    from dangjian.accounts import services as account_services

    return account_services.user_create(
        actor=None, username=username or f"{role}-{org.code}".lower(), name=name, org=org, role=role,
        password=PASSWORD, person=person, must_change_password=must_change_password,
    )


@pytest.fixture
def users(tree):
    """One account per typical role; names say where they sit."""
    return {
        "zhou_admin": make_user(tree["zhou"], Role.ORG_DEPT, "zhou"),
        "badong_admin": make_user(tree["badong"], Role.ORG_DEPT, "badong"),
        "xuanen_admin": make_user(tree["xuanen"], Role.ORG_DEPT, "xuanen"),
        "wanzhai": make_user(tree["wanzhai"], Role.TOWNSHIP, "wanzhai"),
        "xiaohe": make_user(tree["xiaohe"], Role.TOWNSHIP, "xiaohe"),
        "wujiatai": make_user(tree["wujiatai"], Role.SECRETARY, "wujiatai"),
        "leader": make_user(tree["xuanen"], Role.LEADER, "leader"),
        "member": make_user(tree["wujiatai"], Role.MEMBER, "member"),
        "sysadmin": make_user(tree["zhou"], Role.SYSADMIN, "sysadmin"),
        "badong_sysadmin": make_user(tree["badong"], Role.SYSADMIN, "badong_sysadmin"),
        "secadmin": make_user(tree["zhou"], Role.SECADMIN, "secadmin"),
        "auditor": make_user(tree["zhou"], Role.AUDITOR, "auditor"),
    }


def person_data(rng=None, **overrides):
    """Valid fields for services.person_create (birth date, gender and ID number agree)."""
    rng = rng or random.Random(len(overrides) + 7)
    male = overrides.pop("male", rng.random() < 0.6)
    birth = overrides.get("birth_date") or datetime.date(1960 + rng.randrange(40), rng.randrange(1, 13),
                                                         rng.randrange(1, 29))
    joined = birth.replace(year=birth.year + 25)
    data = {
        "name": synthetic.name(rng, male=male), "gender": "M" if male else "F", "ethnicity": "15", "birth_date": birth,
        "id_number": synthetic.id_number(birth, male, rng=rng), "phone": synthetic.mobile(rng),
        "education": "high_school", "category": "full", "joined_on": joined,
        "full_member_on": joined.replace(year=joined.year + 1), "status": "normal",
    }
    data.update(overrides)
    return data


_person_seq = iter(range(1, 10**6))


def make_person(org, actor=None, **overrides):
    """A person created through the service (as the system itself when no actor is given)."""
    rng = random.Random(next(_person_seq))
    data = person_data(rng, **overrides)
    return services.person_create(actor=actor, org=org, **data)


@pytest.fixture
def person_factory(tree):
    return make_person


# --- browser journeys (Playwright driving Debian's Chromium) ---------------------------------------------

CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def browser():
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed: run `apt-get install chromium fonts-noto-cjk` to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=zh-CN"],
        )
        yield instance
        instance.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def browser_page(request, browser):
    """A fresh browser context per test at each viewport; screenshots go to var/screenshots/."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN", accept_downloads=True,
                                  is_mobile=request.param == "phone", has_touch=request.param == "phone")
    page = context.new_page()
    page.viewport_name = request.param
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name):
    from django.conf import settings

    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{page.viewport_name}.png"), full_page=True)


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page scrolls sideways by {overflow}px at {page.viewport_size['width']}px"


# --- the permission matrix's world (core.testing) ------------------------------------------------------------

@pytest.fixture
def world(tree, users):
    """Objects inside 宣恩县 (the editors' scope) that the matrix rows point at, plus all personas."""
    from dangjian.orgs.choices import Title

    world = dict(tree)
    world["users"] = users
    world["person"] = make_person(tree["wujiatai"], name="矩阵测试员")
    world["position"] = services.position_appoint(
        actor=users["xuanen_admin"], person=world["person"], org=tree["wujiatai"], title=Title.SECRETARY,
        start_date=datetime.date(2021, 5, 1),
    )
    world["empty_org"] = make_org(tree["wanzhai"], "矩阵空组织", "matrix-empty", Level.VILLAGE, kind=Org.Kind.BRANCH)
    world["target_user"] = make_user(tree["wujiatai"], Role.MEMBER, "matrix_target", name="矩阵账号")
    return world
