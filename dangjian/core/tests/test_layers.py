"""Imports only point down: domain apps → orgs/accounts → core. `core` imports no app, `orgs` never imports
`accounts`, and a domain app reaches another domain app only through its services (DESIGN.md: "Where one app must
act in another, it calls that app's service function"). The demo data is the one place that imports every app.
Tests are left out: a test may build its data with any app's services."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the dangjian package
FOUNDATION = {"core": {"core"}, "orgs": {"core", "orgs"}, "accounts": {"core", "orgs", "accounts"}}
ANYTHING = {"demo"}  # builds the demonstration data from every app's services


def app_of(path):
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else None


def imported_apps(path):
    """(line, app, module) of every import of a platform app in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "dangjian" and len(parts) > 1 and (ROOT / parts[1]).is_dir():
                yield node.lineno, parts[1], ".".join(parts[:3])


def violations(files):
    for path in files:
        app = app_of(path)
        if app is None or app in ANYTHING:
            continue
        for line, target, module in imported_apps(path):
            if target == app:
                continue
            if app in FOUNDATION:
                allowed = target in FOUNDATION[app]
            else:  # a domain app: the foundation, or another domain app's services
                allowed = target in FOUNDATION or module == f"dangjian.{target}.services"
            if not allowed:
                yield f"{path.relative_to(ROOT)}:{line} imports {module}"


def platform_sources():
    return [p for p in sorted(ROOT.rglob("*.py"))
            if "tests" not in p.relative_to(ROOT).parts and "migrations" not in p.relative_to(ROOT).parts]


def test_imports_only_point_down():
    assert list(violations(platform_sources())) == []


@pytest.mark.parametrize(("app", "source", "bad"), [
    ("core", "from dangjian.orgs.models import Org\n", True),
    ("orgs", "from dangjian.accounts.models import User\n", True),
    ("orgs", "import dangjian.accounts.roles\n", True),
    ("accounts", "from dangjian.orgs.models import Org\n", False),
    ("dashboard", "from dangjian.core import workbench\n", False),
    ("dashboard", "from dangjian.secretaries.selectors import x\n", True),
    ("dashboard", "from dangjian.secretaries import services\n", False),
])
def test_the_check_can_fail(tmp_path, monkeypatch, app, source, bad):
    """The rule catches what it must (and only that): a file placed in each app, checked as if it were there."""
    for name in ("core", "orgs", "accounts", "dashboard", "secretaries"):
        (tmp_path / name).mkdir()
    path = tmp_path / app / "module.py"
    path.write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert bool(list(violations([path]))) is bad
