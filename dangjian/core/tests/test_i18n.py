"""The zh_Hans catalogues are complete and compiled: every msgid has a translation, none is fuzzy, and the
compiled .mo files say the same as the .po files (a stale .mo would show English or old text)."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def _string(lines):
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path):
    """Yield (context, msgid, msgid_plural, [msgstr...], fuzzy) for each entry except the header."""
    entry, key, fuzzy = {}, None, False
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry.get("msgid") and _string(entry["msgid"]):
                yield (_string(entry.get("msgctxt", [])), _string(entry["msgid"]),
                       _string(entry.get("msgid_plural", [])),
                       [_string(v) for k, v in sorted(entry.items()) if k.startswith("msgstr")], fuzzy)
            entry, key, fuzzy = {}, None, False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if match:
            key = match.group(1)
            entry[key] = [match.group(2)]
        elif line.startswith('"') and key:
            entry[key].append(line)


def test_catalogues_exist():
    assert CATALOGUES, "no zh_Hans catalogue found"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_complete_and_compiled(po):
    assert po.with_suffix(".mo").exists(), f"{po} is not compiled (make messages)"
    problems = []
    with translation.override("zh-hans"):
        for context, msgid, plural, msgstrs, fuzzy in parse_po(po):
            if fuzzy:
                problems.append(f"fuzzy: {msgid!r}")
            if not all(msgstrs):
                problems.append(f"untranslated: {msgid!r}")
                continue
            if plural:
                got = translation.npgettext(context, msgid, plural, 1) if context else \
                    translation.ngettext(msgid, plural, 1)
            else:
                got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if got != msgstrs[0]:
                problems.append(f"compiled catalogue disagrees for {msgid!r}: {got!r}")
    assert not problems, "\n".join(problems[:30])
