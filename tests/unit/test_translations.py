"""The catalogues the portal and the messages use are complete: the committed ``messages.pot`` is what the
code and templates hold now, and every string of it has a real translation in every shipped language."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from web.config import ROOT
from web.i18n import SOURCE, languages

POT = SOURCE / "messages.pot"
SHIPPED = [code for code in languages() if code != "en"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _keys(catalog: Catalog) -> set[object]:
    return {(message.id, message.context) for message in catalog if message.id}


def test_spanish_and_german_are_shipped() -> None:
    assert set(SHIPPED) >= {"es", "de"}


def test_the_committed_template_is_what_the_code_says(tmp_path: Path) -> None:
    """Extracting again (the script's own command) gives exactly the committed msgids: a string added to
    a template or a view without ``scripts/i18n.sh update`` fails here."""
    fresh = tmp_path / "messages.pot"
    script = ROOT / "scripts" / "i18n.sh"
    done = subprocess.run([str(script), "extract", str(fresh)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    committed, extracted = _keys(_read(POT)), _keys(_read(fresh))
    assert extracted - committed == set(), "new strings: run scripts/i18n.sh update and translate them"
    assert committed - extracted == set(), "strings no longer used: run scripts/i18n.sh update"


@pytest.mark.parametrize("language", SHIPPED)
def test_every_string_is_translated(language: str) -> None:
    catalog = _read(SOURCE / language / "LC_MESSAGES" / "messages.po", language)
    assert _keys(catalog) == _keys(_read(POT)), f"{language}: merge the template in (scripts/i18n.sh update)"
    untranslated = [
        message.id
        for message in catalog
        if message.id and (message.fuzzy or not all(str(form).strip() for form in _forms(message, catalog.num_plurals)))
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_every_placeholder_and_tag(language: str) -> None:
    """A dropped ``%(number)s`` or ``<strong>`` would lose the value or break the markup; Babel's own
    checks catch malformed format strings."""
    catalog = _read(SOURCE / language / "LC_MESSAGES" / "messages.po", language)
    assert [(message.id, str(error)) for message, errors in catalog.check() for error in errors] == []
    for message in catalog:
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        for form in _forms(message, catalog.num_plurals):
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(source)), (language, message.id, form)
            assert sorted(TAG.findall(form)) == sorted(TAG.findall(source)), (language, message.id, form)


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_are_not_english_left_in_place(language: str) -> None:
    """A translation equal to its English source is allowed only where the words are the same in both
    (a placeholder alone, a brand, "Total", "Details:"): each such case is listed here."""
    same_allowed = {"Error %(status)s", "Total", "(optional)", "Parcel %(number)s: %(problem)s. Details:"}
    same_allowed |= {"Order %(number)s: %(problem)s", "Parcel %(number)s: %(problem)s"}
    catalog = _read(SOURCE / language / "LC_MESSAGES" / "messages.po", language)
    left = [m.id for m in catalog if m.id and not isinstance(m.id, tuple) and m.string == m.id]
    assert [found for found in left if found not in same_allowed] == []


def _forms(message: Message, plurals: int) -> list[str]:
    """The translation's forms: one, or as many as the language has plural forms (missing ones empty)."""
    if not isinstance(message.id, tuple):
        return [str(message.string or "")]
    forms = [str(form or "") for form in message.string or ()]
    return forms + [""] * (plurals - len(forms))


def test_the_extraction_tool_is_installed() -> None:
    assert shutil.which("pybabel", path=str(ROOT / ".venv" / "bin")) is not None
