"""docs/security.md's 等保 table cannot rot: every test it names exists, every control has a row, and a row
without a test says whose job the control is."""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "security.md"
TABLE_HEADING = "## 等保 2.0 level 3"
CLAUSES = [f"8.1.4.{n}" for n in range(1, 12)] + ["8.1.3.1", "8.1.3.3", "8.1.3.5", "8.1.5.1–8.1.5.3", "8.1.5.4"]
TEST_REF = re.compile(r"`([\w/.-]+\.py)::(\w+)`")
TEST_FILE = re.compile(r"`((?:dangjian/)?\w+/tests/[\w/]+\.py)`")


def table_rows(text):
    """{clause: [cells]} of the table under the 等保 heading."""
    section = text.split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| 8."):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            rows[cells[0]] = cells
    return rows


def _path(name):
    """A test file named from the repository root or, as the prose does, from the dangjian package."""
    for base in (ROOT, ROOT / "dangjian"):
        if (base / name).is_file():
            return base / name
    return None


@cache
def _functions(path):
    return {node.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def missing_references(text):
    """Every `path::test` and test-file reference in `text` that does not exist."""
    missing = []
    for name, function in TEST_REF.findall(text):
        path = _path(name)
        if path is None or function not in _functions(path):
            missing.append(f"{name}::{function}")
    missing += [name for name in TEST_FILE.findall(text) if _path(name) is None]
    return missing


def test_every_referenced_test_exists():
    assert missing_references(DOC.read_text(encoding="utf-8")) == []


def test_every_control_has_a_row_with_tests_or_says_whose_job_it_is():
    rows = table_rows(DOC.read_text(encoding="utf-8"))
    assert list(rows) == CLAUSES
    for clause, cells in rows.items():
        assert len(cells) == 4, clause
        shown_by = cells[3]
        if shown_by == "—":
            assert re.search(r"deployment's|not applicable|installation's", cells[2], re.I), clause
        else:
            assert TEST_REF.findall(shown_by), clause
            assert TEST_REF.sub("", shown_by).strip(", ") == "", f"{clause}: only test references in 'shown by'"


def test_the_check_finds_a_test_that_does_not_exist():
    text = ("`dangjian/core/tests/test_crypto.py::test_masking_formats` "
            "`dangjian/core/tests/test_crypto.py::test_that_was_renamed` `core/tests/test_gone.py::test_x` "
            "`orgs/tests/test_missing.py`")
    assert missing_references(text) == ["dangjian/core/tests/test_crypto.py::test_that_was_renamed",
                                        "core/tests/test_gone.py::test_x", "orgs/tests/test_missing.py"]
