"""Name search through indexes (orgs.search, issue 11): Chinese substrings of any length, pinyin prefixes and
initials, the same answers with and without the substring index, on SQLite (FTS5 trigram) and PostgreSQL
(pg_trgm), and a query count that does not depend on how many people match."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.conftest import make_person
from dangjian.orgs import search
from dangjian.orgs.models import Person
from dangjian.orgs.selectors import people as people_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(tree):
    names = ["张华明", "李张", "王华明", "欧阳明华", "赵一", "张三丰"]
    return {name: make_person(tree["wujiatai"], name=name) for name in names}


@pytest.fixture(autouse=True)
def _forget_index_lookup():
    search._available.clear()
    yield
    search._available.clear()


def found(text):
    return set(Person.objects.filter(search.matching_ids(Person, text)).values_list("name", flat=True))


CASES = [
    ("张", {"张华明", "李张", "张三丰"}),  # one character: surname or given name
    ("华明", {"张华明", "王华明"}),  # two characters
    ("张华明", {"张华明"}),  # three: the trigram index
    ("阳明华", {"欧阳明华"}),  # three inside a longer name
    ("明华明", set()),
    ("zhm", {"张华明"}),  # initials
    ("zhang", {"张华明", "张三丰"}),  # full pinyin prefix
    ("ZH", {"张华明", "张三丰", "赵一"}),  # case does not matter (赵 reads zhao)
    ("%", set()), ("_", set()), ("张%", set()),  # LIKE wildcards are plain text
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_substrings_and_pinyin_are_found(named, text, expected):
    assert found(text) == expected


def test_the_substring_index_exists_where_the_database_supports_it():
    assert search.substring_index() == ("fts5" if connection.vendor == "sqlite" else "pg_trgm")


def test_same_answers_without_the_substring_index(named):
    """SQLite without FTS5 trigram, or PostgreSQL without permission to create pg_trgm: LIKE, same results."""
    search.drop_index()
    assert search.substring_index() == ""
    for text, expected in CASES:
        assert found(text) == expected, text
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the test's own writes leave deferred checks that CREATE INDEX refuses
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    search.ensure_index()
    assert found("张华明") == {"张华明"}


def test_the_index_follows_writes(named, tree):
    person = named["张华明"]
    Person.objects.filter(pk=person.pk).update(name="周华明")
    assert found("张华明") == set() and found("周华明") == {"周华明"}
    make_person(tree["wujiatai"], name="新来的人")
    assert found("新来的") == {"新来的人"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_a_table_rebuild_that_drops_the_triggers_is_repaired(named):
    """Django's SQLite schema editor remakes orgs_person on some migrations, dropping its triggers: ensure_index
    (run after every migrate) recreates them and rebuilds the index from the table."""
    with connection.cursor() as cursor:
        for trigger in sorted(search.SQLITE_TRIGGERS):
            cursor.execute(f"DROP TRIGGER {trigger}")
        cursor.execute("INSERT INTO orgs_person_search(orgs_person_search) VALUES ('delete-all')")
    assert found("张华明") == set()  # the index lost its rows
    assert search.ensure_index() == "fts5"
    assert found("张华明") == {"张华明"}


def test_too_many_matches_stay_a_subquery(named, monkeypatch):
    monkeypatch.setattr(search, "MATERIALIZE_LIMIT", 1)
    assert found("张") == {"张华明", "李张", "张三丰"}
    assert found("zhang") == {"张华明", "张三丰"}


def test_people_list_search_costs_the_same_queries_for_few_and_many(tree, users, client):
    client.force_login(users["xuanen_admin"])
    make_person(tree["wujiatai"], name="张一")

    def count(text):
        client.get("/people/", {"q": text})  # warm: the session's first save, the index lookup (once per process)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/people/", {"q": text}).status_code == 200
        return len(ctx.captured_queries)

    few = count("张")
    for i in range(25):
        make_person(tree["wujiatai"], name=f"张{'一二三四五六七八九十'[i % 10]}{i}")
    assert count("张") == few
    assert count("zh") == count("zhang")


def test_person_picker_uses_the_same_search(named, users):
    names = [p.name for p in people_selectors.person_choices(users["xuanen_admin"], "华明")]
    assert names[:2] == ["王华明", "张华明"] or set(names) == {"张华明", "王华明"}
