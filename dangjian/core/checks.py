"""System checks of the app contract: every capability a piece of code names is registered (core.permissions),
and every registered menu entry, card, to-do provider and scoped model names registered capabilities only.

The source scan reads the platform's modules (not tests, not migrations) for string literals in the places a
capability is named — `capability_required("x")`, `has_capability("x")`, `require_capability(user, "x")`,
`role_has(role, "x")` and class attributes `view_capability`/`edit_capability`/`write_capability` — so a typo is
an error when the server starts (`manage.py check` in `make test`), not a page that silently refuses everyone.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.core import checks

from . import permissions

CALLS = {"capability_required", "has_capability", "require_capability", "role_has", "require_write"}
ATTRIBUTES = {"view_capability", "edit_capability", "write_capability"}


def _literal_names(tree):
    """(line, name) of every capability spelled as a string literal in a module's syntax tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in CALLS:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        yield node.lineno, arg.value
        elif isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            value = node.value
            if set(targets) & ATTRIBUTES and isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield node.lineno, value.value


def platform_modules():
    """Source files of the installed platform apps (dangjian.*), without tests and migrations."""
    for config in apps.get_app_configs():
        if not config.name.startswith("dangjian."):
            continue
        for path in sorted(Path(config.path).rglob("*.py")):
            parts = path.relative_to(config.path).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def unregistered_in_source(paths):
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in _literal_names(tree):
            if name and not permissions.is_registered(name):
                yield f"{path}:{line}", name


@checks.register()
def capabilities_are_registered(app_configs=None, **kwargs):
    from . import workbench

    errors = [
        checks.Error(f"Unknown capability {name!r}", hint="Register it in an app's capabilities.py.",
                     obj=where, id="core.E001")
        for where, name in unregistered_in_source(platform_modules())
    ]
    declared = []
    for model in apps.get_models():
        for attribute in ("view_capability", "edit_capability"):
            declared.append((model._meta.label, getattr(model, attribute, None)))
        declared.extend((model._meta.label, name) for name in getattr(model, "scope_actions", {}).values())
    declared.extend(workbench.declared_capabilities())
    errors.extend(
        checks.Error(f"Unknown capability {name!r}", hint="Register it in an app's capabilities.py.",
                     obj=where, id="core.E001")
        for where, name in declared if name and not permissions.is_registered(name)
    )
    return errors


@checks.register()
def menu_groups_are_declared(app_configs=None, **kwargs):
    from . import workbench

    return [checks.Error(f"Menu group {group!r} is not declared", hint="Declare it with workbench.menu_group().",
                         id="core.E002") for group in sorted(workbench.undeclared_groups())]
